// Draws the KOL's signature (vendor/signature_pad) into every [data-signature-pad] and keeps
// its hidden input holding the PNG data URL the server reads.
(function () {
  "use strict";

  function setUp(container) {
    var canvas = container.querySelector("[data-signature-canvas]");
    var input = container.querySelector("[data-signature-input]");
    var pad = new window.SignaturePad(canvas, { backgroundColor: "rgb(255, 255, 255)" });

    function resize() {
      // The canvas's drawing buffer must match its CSS size times the pixel ratio, or strokes
      // land away from the finger. Resizing clears it, so redraw what was there.
      var ratio = Math.max(window.devicePixelRatio || 1, 1);
      var strokes = pad.toData();
      canvas.width = canvas.offsetWidth * ratio;
      canvas.height = canvas.offsetHeight * ratio;
      canvas.getContext("2d").scale(ratio, ratio);
      pad.clear();
      pad.fromData(strokes);
    }

    pad.addEventListener("endStroke", function () {
      input.value = pad.isEmpty() ? "" : pad.toDataURL("image/png");
    });
    container.querySelector("[data-signature-clear]").addEventListener("click", function () {
      pad.clear();
      input.value = "";
    });
    window.addEventListener("resize", resize);
    resize();
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-signature-pad]").forEach(setUp);
  });
})();
