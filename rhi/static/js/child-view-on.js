// Whether the child's view is on: child-view.js puts the class "child-view" on <html>, and the
// idle warning, the PIN dialog and the lock read it here. Its own module because child-view.js
// imports pin-dialog.js, so pin-dialog.js could not import it from there.
export const childViewOn = () => document.documentElement.classList.contains("child-view");
