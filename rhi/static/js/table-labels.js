// On a narrow screen (under 40rem, app.css) a table is drawn as one card for each row, its
// column headings off screen: a probe at 320 px read the cards as values with nothing saying
// what each was ("17 / Looked after / 4 Dec 2026": which is the age, which the date?). Each
// cell is given its column's heading (data-label), which the CSS shows before it there, and
// only there. The words are the table's own headings, read from the page: nothing is written
// twice. A table with more than one row of headings is left as it is.

/** Label the cells of every `table.table` in `root` with their column's heading. */
export function labelCells(root) {
  for (const table of root.querySelectorAll("table.table")) {
    const heads = table.tHead ? table.tHead.rows : [];
    if (heads.length !== 1) continue;
    const names = [];
    for (const cell of heads[0].cells) {
      for (let n = 0; n < cell.colSpan; n += 1) names.push(cell.textContent.trim());
    }
    for (const body of table.tBodies) {
      for (const row of body.rows) {
        let column = 0;
        for (const cell of row.cells) {
          // A row's own heading (the child's name, say) is the card's title: no label.
          if (cell.tagName === "TD" && names[column]) cell.dataset.label = names[column];
          column += cell.colSpan;
        }
      }
    }
  }
}
