// Compose page: fill from a template, insert placeholders at the cursor, step through the preview.
(function () {
  "use strict";
  const form = document.getElementById("compose-form");
  if (!form) return;
  const subject = document.getElementById("id_subject");
  const body = document.getElementById("id_body");
  const template = document.getElementById("id_template");
  const dataNode = document.getElementById("templates-data");
  const templates = dataNode ? JSON.parse(dataNode.textContent) : {};
  let lastField = body;

  document.querySelectorAll(".js-hide").forEach((el) => { el.hidden = true; });

  [subject, body].forEach((field) => field && field.addEventListener("focus", () => { lastField = field; }));

  if (template) {
    template.addEventListener("change", () => {
      const chosen = templates[template.value];
      if (!chosen) return;
      const dirty = (subject.value || body.value) && (subject.value !== subject.defaultValue || body.value !== body.defaultValue);
      if (dirty && !window.confirm(form.dataset.replaceConfirm || "Replace the subject and message with the template?")) return;
      subject.value = chosen.subject;
      body.value = chosen.body;
      body.dispatchEvent(new Event("input", { bubbles: true }));
    });
  }

  document.querySelectorAll("[data-placeholder]").forEach((button) => {
    button.addEventListener("click", () => {
      const field = lastField || body;
      const token = "{{ " + button.dataset.placeholder + " }}";
      const start = field.selectionStart ?? field.value.length;
      const end = field.selectionEnd ?? field.value.length;
      field.value = field.value.slice(0, start) + token + field.value.slice(end);
      field.focus();
      field.setSelectionRange(start + token.length, start + token.length);
      field.dispatchEvent(new Event("input", { bubbles: true }));
    });
  });

  const modeInputs = form.querySelectorAll("input[name=send_mode]");
  const scheduleField = form.querySelector(".schedule-field");
  const sendButton = form.querySelector(".btn-send");
  function syncMode() {
    const later = form.querySelector("input[name=send_mode]:checked")?.value === "later";
    if (scheduleField) scheduleField.hidden = !later;
    if (sendButton && !sendButton.dataset.label) sendButton.dataset.label = sendButton.textContent.trim();
  }
  modeInputs.forEach((input) => input.addEventListener("change", syncMode));
  syncMode();

  document.addEventListener("click", (event) => {
    const step = event.target.closest("[data-preview-step]");
    if (!step) return;
    const index = document.getElementById("preview-index");
    if (!index) return;
    index.value = String(Math.max(0, parseInt(index.value || "0", 10) + parseInt(step.dataset.previewStep, 10)));
    htmx.trigger("#preview", "preview-step");
  });
})();
