// Shared by /chat and /inspect. Every user or bot string goes into the page as text
// (textContent), never as HTML; the server's Content-Security-Policy backs this up.
"use strict";

const dialogWeb = (() => {
  const params = new URLSearchParams(window.location.search);
  const token = params.get("token") || "";

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (key === "class") node.className = value;
      else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
      else node.setAttribute(key, value);
    }
    for (const child of children.flat()) {
      if (child === null || child === undefined || child === false) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  function headers(extra) {
    const result = Object.assign({}, extra || {});
    if (token) result["Authorization"] = "Bearer " + token;
    return result;
  }

  function withToken(url) {
    if (!token) return url;
    return url + (url.includes("?") ? "&" : "?") + "token=" + encodeURIComponent(token);
  }

  async function getJson(url) {
    const response = await fetch(url, { headers: headers() });
    if (!response.ok) throw await httpError(response);
    return response.json();
  }

  async function httpError(response) {
    let detail = response.statusText;
    try { detail = (await response.json()).detail || detail; } catch (e) { /* not JSON */ }
    if (response.status === 401) detail = "this server needs its token: open the page with ?token=...";
    return new Error(response.status + ": " + detail);
  }

  // POST /webhooks/rest/stream and hand each server-sent event to onEvent(name, data).
  async function stream(sender, message, onEvent) {
    const response = await fetch("/webhooks/rest/stream", {
      method: "POST",
      headers: headers({ "Content-Type": "application/json" }),
      body: JSON.stringify({ sender: sender, message: message, metadata: { web: true } }),
    });
    if (!response.ok) throw await httpError(response);
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    let buffer = "";
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, { stream: true });
      let cut;
      while ((cut = buffer.indexOf("\n\n")) >= 0) {
        const block = buffer.slice(0, cut);
        buffer = buffer.slice(cut + 2);
        let name = "message";
        const data = [];
        for (const line of block.split("\n")) {
          if (line.startsWith("event: ")) name = line.slice(7);
          else if (line.startsWith("data: ")) data.push(line.slice(6));
        }
        if (data.length) onEvent(name, JSON.parse(data.join("\n")));
      }
    }
  }

  function safeImageUrl(url) {
    try {
      const parsed = new URL(url, window.location.href);
      if (parsed.protocol === "http:" || parsed.protocol === "https:") return parsed.href;
      if (parsed.protocol === "data:" && /^data:image\//.test(url)) return url;
    } catch (e) { /* not a URL */ }
    return null;
  }

  function newId(prefix) {
    const bytes = new Uint8Array(8);
    crypto.getRandomValues(bytes);
    return prefix + Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  }

  // A chat pane: messages, a typing indicator, an input; the bot's answers stream in.
  class Chat {
    constructor(root, options) {
      this.root = root;
      this.sender = options.sender;
      this.onTurn = options.onTurn || (() => {});
      this.onChange = options.onChange || (() => {});
      this.log = el("div", { class: "messages", role: "log", "aria-live": "polite" });
      this.typing = el("div", { class: "typing", hidden: true, "aria-label": "the bot is typing" },
        el("span"), el("span"), el("span"));
      this.input = el("input", { type: "text", name: "message", placeholder: "Type a message…",
        autocomplete: "off", "aria-label": "message", maxlength: "4000" });
      this.form = el("form", { class: "composer", onsubmit: (e) => { e.preventDefault(); this.submit(); } },
        this.input, el("button", { type: "submit", class: "send" }, "Send"));
      root.append(this.log, this.typing, this.form);
      this.busy = false;
      this.history = [];
    }

    submit() {
      const text = this.input.value.trim();
      if (!text || this.busy) return;
      this.input.value = "";
      this.send(text, text);
    }

    clear() { this.log.replaceChildren(); this.history = []; }

    show(entry, remember) {
      if (remember !== false) { this.history.push(entry); this.onChange(this.history); }
      if (entry.from === "user") {
        this.log.append(el("div", { class: "msg user" }, entry.text));
      } else if (entry.from === "error") {
        this.log.append(el("div", { class: "msg error" }, entry.text));
      } else {
        this.log.append(this.botMessage(entry));
      }
      this.log.scrollTop = this.log.scrollHeight;
    }

    botMessage(entry) {
      const node = el("div", { class: "msg bot" + (entry.llm ? " llm" : "") });
      if (entry.text) node.append(el("div", { class: "text" }, entry.text));
      const src = entry.image ? safeImageUrl(entry.image) : null;
      if (src) node.append(el("img", { src: src, alt: "image from the bot", loading: "lazy" }));
      if (entry.buttons && entry.buttons.length) {
        const row = el("div", { class: "buttons" });
        for (const button of entry.buttons) {
          row.append(el("button", { type: "button", class: "choice", onclick: () => {
            if (this.busy) return;
            row.querySelectorAll("button").forEach((b) => { b.disabled = true; });
            this.send(button.payload, button.title);
          } }, button.title));
        }
        node.append(row);
      }
      return node;
    }

    async send(message, shown) {
      this.busy = true;
      this.show({ from: "user", text: shown });
      this.typing.hidden = false;
      let live = null;
      let streamed = "";
      try {
        await stream(this.sender, message, (name, data) => {
          if (name === "token") {
            this.typing.hidden = true;
            streamed += data.text;
            if (!live) { live = el("div", { class: "msg bot llm streaming" }, el("div", { class: "text" })); this.log.append(live); }
            live.firstChild.textContent = streamed;
            this.log.scrollTop = this.log.scrollHeight;
          } else if (name === "replies") {
            if (live) live.remove();
            for (const reply of data) {
              this.show({ from: "bot", text: reply.text || "", image: reply.image || null,
                buttons: reply.buttons || [], llm: streamed !== "" && reply.text === streamed });
            }
          } else if (name === "error") {
            this.show({ from: "error", text: "error: " + (data.detail || data.error) });
          }
        });
      } catch (error) {
        if (live) live.remove();
        this.show({ from: "error", text: String(error.message || error) }, false);
      } finally {
        this.typing.hidden = true;
        this.busy = false;
        this.input.focus();
        this.onTurn(this.sender);
      }
    }
  }

  return { el, token, withToken, getJson, stream, Chat, newId, safeImageUrl, params };
})();
