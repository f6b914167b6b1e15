// On a phone the main menu and the sub-menu are rows that scroll sideways: bring the current
// page's item into view. Progressive enhancement only; the menus work without it.
document.addEventListener("DOMContentLoaded", () => {
  for (const current of document.querySelectorAll('.main-nav a[aria-current="page"], .sub-nav a[aria-current="page"]')) {
    const row = current.parentElement.parentElement;
    if (row.scrollWidth > row.clientWidth) {
      current.scrollIntoView({ block: "nearest", inline: "center" });
    }
  }
});
