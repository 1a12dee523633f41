// "Show code" per section, and boxes that scroll sideways (wide tables, charts on a phone) made
// reachable by keyboard: focusable, and named by their caption, only while they do scroll.
(function () {
  document.querySelectorAll('button.toggle-code').forEach(function (button) {
    button.addEventListener('click', function () {
      var section = document.getElementById(button.getAttribute('aria-controls'));
      var shown = section.classList.toggle('show-code');
      button.setAttribute('aria-expanded', shown ? 'true' : 'false');
      button.textContent = shown ? 'Hide code' : 'Show code';
    });
  });
  function scrollBoxes() {
    document.querySelectorAll('.table-scroll, figure.pack-figure').forEach(function (box) {
      var scrolls = box.scrollWidth > box.clientWidth + 1;
      var isTable = box.classList.contains('table-scroll');
      if (scrolls && !box.hasAttribute('tabindex')) {
        box.setAttribute('tabindex', '0');
        if (isTable) {
          var caption = box.querySelector('caption');
          var section = box.closest('section[aria-label]');
          var name = caption ? caption.textContent : 'Table';
          box.setAttribute('role', 'region');
          box.setAttribute('aria-label', section ? section.getAttribute('aria-label') + ': ' + name : name);
        }
      } else if (!scrolls && box.getAttribute('tabindex') === '0') {
        box.removeAttribute('tabindex');
        if (isTable) { box.removeAttribute('role'); box.removeAttribute('aria-label'); }
      }
    });
  }
  scrollBoxes();
  window.addEventListener('resize', scrollBoxes);
  document.addEventListener('toggle', scrollBoxes, true);
})();
