"""Draw rhi's PNG icons (a house on the brand blue) with Pillow. Run once; the PNGs are ours."""

from pathlib import Path

from PIL import Image, ImageDraw

OUT = Path(__file__).resolve().parent.parent / "rhi" / "static" / "icons"
BLUE, WHITE, AMBER = (18, 79, 122), (255, 255, 255), (255, 191, 71)


def draw(size: int, maskable: bool) -> Image.Image:
    img = Image.new("RGB", (size, size), BLUE)
    d = ImageDraw.Draw(img)
    s = size / 512
    inset = 0.8 if maskable else 1.0  # maskable icons keep the mark inside the safe zone

    def p(x: float, y: float) -> tuple[float, float]:
        return (256 + (x - 256) * inset) * s, (256 + (y - 256) * inset) * s

    d.polygon(
        [
            p(256, 112),
            p(104, 240),
            p(144, 240),
            p(144, 400),
            p(232, 400),
            p(232, 304),
            p(280, 304),
            p(280, 400),
            p(368, 400),
            p(368, 240),
            p(408, 240),
        ],
        fill=WHITE,
    )
    cx, cy = p(256, 232)
    r = 28 * s * inset
    d.ellipse([cx - r, cy - r, cx + r, cy + r], fill=AMBER)
    return img


if __name__ == "__main__":
    for size in (180, 192, 512):
        draw(size, False).save(OUT / f"icon-{size}.png", optimize=True)
    draw(512, True).save(OUT / "icon-maskable-512.png", optimize=True)
    draw(32, False).save(OUT / "favicon.png", optimize=True)
