// The phone menu button, mended (pydata-sphinx-theme issue #2451).
//
// pydata-sphinx-theme 0.17 renders a `.primary-toggle` button in its header, and
// sphinx-book-theme renders its own in the article header. Both themes attach their click
// handlers to `document.querySelector(".primary-toggle")`, the first in the page: the header
// one, which the book's layout hides. The button a reader sees did nothing, so on a phone the
// table of contents could not be opened. Here every other `.primary-toggle` hands its click to
// the first, where both themes' handlers run: on a phone the table of contents opens as a
// dialog, on a wide screen the sidebar folds away, as each theme intends.
document.addEventListener("DOMContentLoaded", () => {
  const [handled, ...others] = document.querySelectorAll(".primary-toggle");
  others.forEach((button) =>
    button.addEventListener("click", (event) => {
      event.preventDefault();
      event.stopPropagation();
      handled.click();
    }),
  );
});
