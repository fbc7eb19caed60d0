/* global document, window */
// Progressive enhancement only: every page works without this file. It selects the scan field's text
// (a keyboard-wedge scanner then overwrites the last number) and shows the print buttons.
'use strict';
document.addEventListener('DOMContentLoaded', function () {
  var scan = document.querySelector('[data-scan]');
  if (scan && document.activeElement === scan && typeof scan.select === 'function') scan.select();
  document.querySelectorAll('button.print-button').forEach(function (b) {
    b.hidden = false;
    b.addEventListener('click', function () {
      window.print();
    });
  });
});
