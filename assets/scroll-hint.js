/* Wide tables scroll sideways inside a .table-responsive box. Overlay scrollbars are
   invisible until touched, so each box that hides columns says how many
   (data-more-columns, drawn by segmenta.css) and updates as it is scrolled or resized. */
(function () {
  function hiddenColumns(box) {
    const header = box.querySelector("thead tr") || box.querySelector("tr");
    if (!header || box.scrollWidth <= box.clientWidth + 1) {
      return 0;
    }
    const visibleRight = box.scrollLeft + box.clientWidth + 1;
    return Array.from(header.children).filter(
      (cell) => cell.offsetLeft + cell.offsetWidth > visibleRight
    ).length;
  }

  function update() {
    document.querySelectorAll(".table-responsive").forEach((box) => {
      const more = hiddenColumns(box);
      const text = more ? `Scroll for ${more} more column${more === 1 ? "" : "s"} →` : "";
      if ((box.dataset.moreColumns || "") !== text) {
        if (text) {
          box.dataset.moreColumns = text;
        } else {
          delete box.dataset.moreColumns;
        }
      }
    });
  }

  let queued = false;
  function schedule() {
    if (!queued) {
      queued = true;
      requestAnimationFrame(() => {
        queued = false;
        update();
      });
    }
  }

  new MutationObserver(schedule).observe(document.documentElement, {
    childList: true,
    subtree: true,
  });
  window.addEventListener("resize", schedule);
  document.addEventListener("scroll", schedule, true);
})();
