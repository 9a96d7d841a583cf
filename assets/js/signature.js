// The drawn signature on a quote's accept form ([data-signature]): the
// canvas is shown only when this script runs (without it the typed name
// is the signature), draws with the pointer (mouse, pen, touch; touch
// events where pointer events are missing), and keeps the drawing as a
// PNG data URL in the hidden signature_png field, choosing "drawn". The
// server checks the PNG (app.ParseSignature). Clearing empties it and
// chooses the typed signature again, the keyboard's way to sign.
(function () {
  "use strict";
  function setup(box) {
    if (box.getAttribute("data-signature-ready")) return;
    box.setAttribute("data-signature-ready", "1");
    var pad = box.querySelector("[data-signature-pad]");
    var canvas = box.querySelector("canvas");
    var field = box.form ? box.form.elements.namedItem("signature_png") : box.querySelector("input[name=signature_png]");
    var drawnLabel = box.querySelector("[data-signature-drawn]");
    var drawn = box.querySelector("input[value=drawn]");
    var typed = box.querySelector("input[value=typed]");
    if (!pad || !canvas || !canvas.getContext || !field) return;
    pad.hidden = false;
    if (drawnLabel) drawnLabel.hidden = false;
    var ctx = canvas.getContext("2d");
    ctx.lineWidth = 3;
    ctx.lineCap = "round";
    ctx.lineJoin = "round";
    ctx.strokeStyle = "#111";
    var down = false, inked = false;

    function point(x, y) {
      var r = canvas.getBoundingClientRect();
      return { x: (x - r.left) * canvas.width / r.width, y: (y - r.top) * canvas.height / r.height };
    }
    function start(x, y) {
      var p = point(x, y);
      down = true;
      ctx.beginPath();
      ctx.moveTo(p.x, p.y);
    }
    function move(x, y) {
      if (!down) return;
      var p = point(x, y);
      ctx.lineTo(p.x, p.y);
      ctx.stroke();
      inked = true;
    }
    function end() {
      if (!down) return;
      down = false;
      if (inked) {
        field.value = canvas.toDataURL("image/png");
        if (drawn) drawn.checked = true;
      }
    }
    if (window.PointerEvent) {
      canvas.addEventListener("pointerdown", function (e) {
        e.preventDefault();
        if (canvas.setPointerCapture) canvas.setPointerCapture(e.pointerId);
        start(e.clientX, e.clientY);
      });
      canvas.addEventListener("pointermove", function (e) { move(e.clientX, e.clientY); });
      canvas.addEventListener("pointerup", end);
      canvas.addEventListener("pointercancel", end);
    } else {
      canvas.addEventListener("mousedown", function (e) { start(e.clientX, e.clientY); });
      canvas.addEventListener("mousemove", function (e) { move(e.clientX, e.clientY); });
      window.addEventListener("mouseup", end);
      canvas.addEventListener("touchstart", function (e) {
        e.preventDefault();
        start(e.touches[0].clientX, e.touches[0].clientY);
      }, { passive: false });
      canvas.addEventListener("touchmove", function (e) {
        e.preventDefault();
        move(e.touches[0].clientX, e.touches[0].clientY);
      }, { passive: false });
      canvas.addEventListener("touchend", end);
    }
    var clear = box.querySelector("[data-signature-clear]");
    if (clear) {
      clear.addEventListener("click", function () {
        ctx.clearRect(0, 0, canvas.width, canvas.height);
        inked = false;
        field.value = "";
        if (typed) typed.checked = true;
      });
    }
    // The form shown again after an error (a wrong code) posts the
    // drawing back in the field: draw it again, so it is not lost.
    if (field.value.indexOf("data:image/png;base64,") === 0) {
      var kept = new Image();
      kept.onload = function () {
        ctx.drawImage(kept, 0, 0, canvas.width, canvas.height);
        inked = true;
        if (drawn) drawn.checked = true;
      };
      kept.src = field.value;
    }
  }
  function init() { document.querySelectorAll("[data-signature]").forEach(setup); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
  document.addEventListener("htmx:afterSettle", init);
})();
