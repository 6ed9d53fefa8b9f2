// Engium staff web app: progressive enhancement only. Every page works without this file; with it,
// the inbox and an open conversation update live (server-sent events), filters apply on change,
// the phone menu collapses, and forms are not submitted twice.
"use strict";

document.documentElement.classList.add("js");

function onReady(fn) {
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", fn);
  else fn();
}

function htmlToElement(html) {
  const template = document.createElement("template");
  template.innerHTML = html.trim();
  return template.content.firstElementChild;
}

function setupMenu() {
  const button = document.querySelector("[data-menu-toggle]");
  const sidebar = document.getElementById("sidebar");
  if (!button || !sidebar) return;
  button.addEventListener("click", () => {
    const open = sidebar.classList.toggle("is-open");
    button.setAttribute("aria-expanded", String(open));
    if (open) {
      const first = sidebar.querySelector("a");
      if (first) first.focus();
    }
  });
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && sidebar.classList.contains("is-open")) {
      sidebar.classList.remove("is-open");
      button.setAttribute("aria-expanded", "false");
      button.focus();
    }
  });
}

function setupForms() {
  document.querySelectorAll("form[data-auto-submit]").forEach((form) => {
    form.addEventListener("change", () => form.requestSubmit());
  });
  document.querySelectorAll("form[data-submit-once]").forEach((form) => {
    form.addEventListener("submit", () => {
      form.querySelectorAll("button[type=submit]").forEach((button) => {
        // After the submission has started, so the button's own name/value still goes with it.
        setTimeout(() => { button.disabled = true; }, 0);
      });
    });
  });
  document.querySelectorAll("form[data-confirm]").forEach((form) => {
    form.addEventListener("submit", (event) => {
      if (!window.confirm(form.dataset.confirm)) event.preventDefault();
    });
  });
  document.querySelectorAll("textarea[data-submit-on-enter]").forEach((area) => {
    area.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && (event.metaKey || event.ctrlKey)) {
        event.preventDefault();
        area.form.requestSubmit();
      }
    });
  });
  document.querySelectorAll("[data-copy]").forEach((button) => {
    button.hidden = false;
    button.addEventListener("click", async () => {
      const source = document.getElementById(button.dataset.copy);
      if (!source || !navigator.clipboard) return;
      await navigator.clipboard.writeText(source.textContent.trim());
      button.textContent = "Copied";
    });
  });
}

function subscribe(url, handlers) {
  const source = new EventSource(url);
  Object.entries(handlers).forEach(([name, handler]) => {
    source.addEventListener(name, (event) => handler(JSON.parse(event.data || "{}")));
  });
  source.addEventListener("signed-out", () => {
    source.close();
    window.location.assign("/sign-in");
  });
  return source;
}

function setupLiveInbox() {
  const list = document.querySelector("[data-live-inbox]");
  if (!list || !window.EventSource) return;
  const indicator = document.querySelector("[data-live-indicator]");
  const empty = document.querySelector("[data-empty-inbox]");
  const refreshEmpty = () => { if (empty) empty.hidden = list.children.length > 0; };
  subscribe(list.dataset.liveInbox, {
    ready: () => {
      list.dataset.liveState = "ready";
      if (indicator) indicator.hidden = false;
    },
    row: (data) => {
      const existing = list.querySelector(`[data-id="${CSS.escape(data.id)}"]`);
      if (existing) existing.remove();
      const row = htmlToElement(data.html);
      row.classList.add("is-new");
      // Newest message first, as the server orders them.
      const later = Array.from(list.children).find((item) => (item.dataset.at || "") < data.at);
      list.insertBefore(row, later || null);
      refreshEmpty();
    },
    remove: (data) => {
      const existing = list.querySelector(`[data-id="${CSS.escape(data.id)}"]`);
      if (existing) existing.remove();
      refreshEmpty();
    },
    resync: () => window.location.reload(),
  });
}

function setupLiveConversation() {
  const root = document.querySelector("[data-live-conversation]");
  if (!root || !window.EventSource) return;
  const transcript = root.querySelector("[data-transcript]");
  const summary = root.querySelector("[data-summary]");
  if (transcript) transcript.scrollTop = transcript.scrollHeight;
  subscribe(root.dataset.liveConversation, {
    ready: () => { root.dataset.liveState = "ready"; },
    conversation: (data) => {
      if (transcript) {
        const atBottom = transcript.scrollHeight - transcript.scrollTop - transcript.clientHeight < 40;
        transcript.innerHTML = data.transcript;
        if (atBottom) transcript.scrollTop = transcript.scrollHeight;
      }
      // Never replace the controls while someone is using them.
      if (summary && !summary.contains(document.activeElement)) summary.innerHTML = data.summary;
    },
    resync: () => window.location.reload(),
  });
}

// The navigation's bell: its count follows the member's notifications on every page.
function setupNotificationBell() {
  const counts = document.querySelectorAll("[data-unread-count]");
  const source = document.querySelector("[data-live-notifications]");
  if (!counts.length || !source || !window.EventSource) return;
  subscribe(source.dataset.liveNotifications, {
    unread: (data) => {
      counts.forEach((count) => {
        count.textContent = String(data.count);
        count.hidden = !data.count;
      });
    },
  });
}

// Canned responses in the reply box: "Insert" puts the chosen text at the cursor (without this, the form
// reloads the page with the text in the box), and "/shortcut" followed by Tab expands to its text.
function insertAtCursor(area, text) {
  const start = area.selectionStart ?? area.value.length;
  const end = area.selectionEnd ?? start;
  area.setRangeText(text, start, end, "end");
  area.dispatchEvent(new Event("input", { bubbles: true }));
  area.focus();
}

function setupCannedResponses() {
  const picker = document.querySelector("form[data-canned-picker]");
  const area = document.getElementById("reply-body");
  if (!picker || !area) return;
  const options = Array.from(picker.querySelectorAll("option[data-body]"));
  picker.addEventListener("submit", (event) => {
    event.preventDefault();
    const chosen = picker.querySelector("select").selectedOptions[0];
    if (chosen) insertAtCursor(area, chosen.dataset.body);
  });
  area.addEventListener("keydown", (event) => {
    if (event.key !== "Tab" || event.shiftKey) return;
    const before = area.value.slice(0, area.selectionStart);
    const typed = before.match(/(?:^|\s)\/([a-z0-9_-]{1,40})$/);
    const found = typed && options.find((option) => option.dataset.shortcut === typed[1]);
    if (!found) return;
    event.preventDefault();
    area.setSelectionRange(area.selectionStart - typed[1].length - 1, area.selectionStart);
    insertAtCursor(area, found.dataset.body);
  });
}

onReady(() => {
  setupMenu();
  setupNotificationBell();
  setupForms();
  setupCannedResponses();
  setupLiveInbox();
  setupLiveConversation();
});
