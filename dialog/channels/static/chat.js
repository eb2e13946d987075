// /chat: one conversation per browser; its id and messages survive a reload (localStorage).
"use strict";

(() => {
  const { el, Chat, newId } = dialogWeb;
  const KEY_SENDER = "dialog.chat.sender";
  const KEY_HISTORY = "dialog.chat.history";
  const MAX_KEPT = 200;

  function load(key, fallback) {
    try { const value = JSON.parse(localStorage.getItem(key)); return value === null ? fallback : value; }
    catch (e) { return fallback; }
  }

  let sender = load(KEY_SENDER, null);
  if (typeof sender !== "string" || !sender) { sender = newId("web-"); localStorage.setItem(KEY_SENDER, JSON.stringify(sender)); }

  const root = document.getElementById("chat");
  const chat = new Chat(root, {
    sender: sender,
    onChange: (history) => localStorage.setItem(KEY_HISTORY, JSON.stringify(history.slice(-MAX_KEPT))),
  });
  for (const entry of load(KEY_HISTORY, [])) {
    if (entry && typeof entry === "object") { chat.history.push(entry); chat.show(entry, false); }
  }
  // Buttons of earlier turns were answered already.
  chat.log.querySelectorAll(".buttons button").forEach((b) => { b.disabled = chat.log.lastChild && !chat.log.lastChild.contains(b); });

  document.getElementById("restart").addEventListener("click", () => {
    localStorage.removeItem(KEY_HISTORY);
    localStorage.setItem(KEY_SENDER, JSON.stringify(newId("web-")));
    window.location.reload();
  });
  chat.input.focus();
})();
