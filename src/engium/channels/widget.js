/*
 * Engium chat widget. Embed with one line:
 *   <script src="https://<engium>/widget/v1/widget.js" data-key="wk_..." async></script>
 *
 * Plain JavaScript, no dependencies, nothing fetched at run time but the Engium API this script was
 * loaded from. Everything it draws lives in a shadow root, so the page's CSS cannot reach it and its
 * CSS cannot reach the page. Design: docs/adr/0017-embeddable-widget.md.
 *
 * Optional attributes on the script tag:
 *   data-title="Chat with us"              the panel's title (default: the business's name)
 *   data-color="#0f766e"                   accent colour (#rgb or #rrggbb)
 *   data-user-id, data-user-expires,       a signed-in visitor, signed by the site's backend per page
 *   data-user-signature                    view (README, "The chat widget")
 */
(function () {
  "use strict";

  var script = document.currentScript ||
    document.querySelector('script[src*="/widget/v1/widget.js"][data-key]');
  if (!script || !script.src) { return; }
  var KEY = script.getAttribute("data-key") || "";
  if (!/^wk_[A-Za-z0-9_-]{16,100}$/.test(KEY)) {
    warn("the script tag needs data-key=\"wk_...\" (the public widget key from Engium's integrations)");
    return;
  }
  // Talk only to the server the script came from: never to anything the page could point it at.
  var API = new URL(script.src).origin + "/widget/v1";
  var USER = signedInUser(script);
  var ACCENT = /^#(?:[0-9a-fA-F]{3}){1,2}$/.test(script.getAttribute("data-color") || "")
    ? script.getAttribute("data-color") : "#0f766e";
  // One conversation per widget key and per signed-in user (or anonymous visitor) in this browser.
  var STORAGE_KEY = "engium-widget:" + KEY + ":" + (USER ? "user:" + USER.id : "anon");
  var REPLY_POLL_MS = 1000;          // while a reply is awaited
  var REPLY_WAIT_MS = 30000;         // the typing indicator gives up after this
  var IDLE_POLL_MS = [3000, 15000];  // panel open, nothing awaited: from 3 s, backing off to 15 s
  var CLOSED_POLL_MS = 30000;        // panel closed, a conversation exists: unread badge
  var PAGE = 200;
  var AUTHORS = { contact: "You", assistant: "Assistant", agent: "Team" };

  function warn(text) {
    if (window.console && console.warn) { console.warn("Engium widget: " + text); }
  }

  function signedInUser(tag) {
    var id = tag.getAttribute("data-user-id");
    var expires = tag.getAttribute("data-user-expires");
    var signature = tag.getAttribute("data-user-signature");
    return id && expires && signature ? { id: id, expires: expires, signature: signature } : null;
  }

  // ---- storage: the host page's localStorage, or memory when the page forbids it ----------------
  var memory = {};
  function load() {
    var raw;
    try { raw = window.localStorage.getItem(STORAGE_KEY); } catch (e) { raw = memory[STORAGE_KEY]; }
    try {
      var saved = raw ? JSON.parse(raw) : null;
      if (saved && saved.token && Date.parse(saved.expires_at) > Date.now()) { return saved; }
    } catch (e) { /* unreadable: start afresh */ }
    forget();
    return null;
  }
  function save(grant) {
    var raw = JSON.stringify({ token: grant.token, expires_at: grant.expires_at });
    try { window.localStorage.setItem(STORAGE_KEY, raw); } catch (e) { memory[STORAGE_KEY] = raw; }
  }
  function forget() {
    try { window.localStorage.removeItem(STORAGE_KEY); } catch (e) { /* nothing stored */ }
    delete memory[STORAGE_KEY];
  }

  // ---- API ----------------------------------------------------------------------------------------
  function ApiError(status, body) {
    this.status = status;
    this.code = body && body.error ? body.error.code : "";
    this.details = body && body.error ? body.error.details : null;
    this.message = body && body.error ? body.error.message : "";
  }

  function call(method, path, body, extraHeaders) {
    var headers = { "X-Widget-Key": KEY };
    if (grant) { headers["X-Widget-Token"] = grant.token; }
    if (body !== undefined) { headers["Content-Type"] = "application/json"; }
    for (var name in extraHeaders || {}) { headers[name] = extraHeaders[name]; }
    return fetch(API + path, {
      method: method, headers: headers, body: body === undefined ? undefined : JSON.stringify(body),
      mode: "cors", credentials: "omit", cache: "no-store", referrerPolicy: "no-referrer"
    }).then(function (response) {
      return response.text().then(function (text) {
        var parsed = null;
        try { parsed = text ? JSON.parse(text) : null; } catch (e) { parsed = null; }
        if (!response.ok) { throw new ApiError(response.status, parsed); }
        return parsed;
      });
    }, function () {
      // The browser hides why (network down, or this website not allowed by the widget's settings).
      throw new ApiError(0, null);
    });
  }

  // ---- the shadow root and its elements -------------------------------------------------------------
  var host = document.createElement("engium-chat-widget");
  // Inline and !important: the page's own rules (even `* {... !important}`) cannot move or hide it.
  // Set through the CSSOM, which a page's Content-Security-Policy allows (a style attribute it may not).
  var hostStyle = { all: "initial", position: "fixed", "z-index": "2147483000", right: "0", bottom: "0",
    width: "0", height: "0", display: "block" };
  for (var property in hostStyle) { host.style.setProperty(property, hostStyle[property], "important"); }
  var root = host.attachShadow({ mode: "open" });
  root.innerHTML = template();
  if (root.adoptedStyleSheets && window.CSSStyleSheet && CSSStyleSheet.prototype.replaceSync) {
    // A constructed style sheet is not subject to the page's style-src; a <style> element is.
    var sheet = new CSSStyleSheet();
    sheet.replaceSync(css());
    root.adoptedStyleSheets = [sheet];
  } else {
    var style = document.createElement("style");
    style.textContent = css();
    root.insertBefore(style, root.firstChild);
  }
  function $(selector) { return root.querySelector(selector); }

  var launcher = $(".launcher");
  var badge = $(".badge");
  var panel = $(".panel");
  var title = $(".title");
  var closeButton = $(".close");
  var log = $(".log");
  var greeting = $(".greeting");
  var aiNotice = $(".ai-notice");
  var typing = $(".typing");
  var notice = $(".notice");
  var noticeText = $(".notice-text");
  var retry = $(".retry");
  var details = $(".details");
  var detailsError = $(".details-error");
  var composer = $(".composer");
  var input = $(".input");
  var sendButton = $(".send");

  launcher.style.background = ACCENT;
  sendButton.style.background = ACCENT;
  $(".details-save").style.background = ACCENT;
  title.textContent = script.getAttribute("data-title") || "Chat with us";

  // ---- state ----------------------------------------------------------------------------------------
  var grant = load();
  var rendered = {};          // message id -> element
  var ordered = [];           // messages shown, oldest first
  var lastId = null;          // the newest message read by polling: the next poll reads after it
  var awaitingSince = 0;      // when the visitor's last message was sent (0: no reply awaited)
  var idleDelay = IDLE_POLL_MS[0];
  var timer = null;
  var polling = false;
  var caughtUp = false;       // the first read reached the newest message: later ones are news
  var ready = false;          // the config answered: this website may use the widget
  var open = false;

  function template() {
    return '' +
      '<button class="launcher" type="button" aria-expanded="false" aria-controls="engium-panel" ' +
      'aria-label="Open chat">' + icon("chat", "when-closed") + icon("down", "when-open") +
      '<span class="badge" hidden><span class="sr">New message' +
      '</span></span></button>' +
      '<section class="panel" id="engium-panel" role="dialog" aria-modal="false" aria-labelledby="engium-title" ' +
      'hidden>' +
      '<header><h2 class="title" id="engium-title"></h2>' +
      '<button class="close" type="button" aria-label="Close chat">' + icon("close") + '</button></header>' +
      '<div class="log" role="log" aria-live="polite" aria-relevant="additions" aria-label="Messages" ' +
      'tabindex="0"><p class="ai-notice" hidden></p><p class="greeting">Hi! How can we help you today?</p></div>' +
      '<div class="typing" role="status" hidden><span class="dots" aria-hidden="true"><i></i><i></i><i></i>' +
      '</span><span class="sr">The assistant is typing</span></div>' +
      '<div class="notice" role="alert" hidden><p class="notice-text"></p>' +
      '<button class="retry" type="button" hidden>Try again</button></div>' +
      '<form class="details" hidden novalidate aria-labelledby="engium-details-title" ' +
      'aria-describedby="engium-details-hint">' +
      '<h3 id="engium-details-title">Your details for the booking</h3>' +
      '<label for="engium-name">Name</label>' +
      '<input id="engium-name" name="name" autocomplete="name" maxlength="200" required>' +
      '<div class="pair"><div><label for="engium-phone">Phone</label>' +
      '<input id="engium-phone" name="phone" type="tel" autocomplete="tel" maxlength="40" ' +
      'placeholder="+44 20 7946 0000"></div>' +
      '<div><label for="engium-email">E-mail</label>' +
      '<input id="engium-email" name="email" type="email" autocomplete="email" maxlength="320"></div></div>' +
      '<p class="hint" id="engium-details-hint">A phone number (international, starting with +) or an ' +
      'e-mail address is enough.</p>' +
      '<p class="details-error" role="alert"></p>' +
      '<button class="details-save" type="submit">Save details</button></form>' + proofTemplate() +
      '<form class="composer"><label class="sr" for="engium-input">Message</label>' +
      '<input class="input" id="engium-input" autocomplete="off" maxlength="2000" ' +
      'placeholder="Type your message">' +
      '<button class="send" type="submit" aria-label="Send message">' + icon("send") + '</button></form>' +
      privacyTemplate() + '</section>';
  }

  function icon(name, className) {
    var paths = {
      chat: "M4 4h16v12H7l-3 3z",
      close: "M6 6l12 12M18 6L6 18",
      down: "M6 9l6 6 6-6",
      send: "M3 11l18-8-8 18-2-8z"
    };
    var stroked = name === "close" || name === "down";
    var paint = stroked ? 'fill="none" stroke="currentColor" stroke-width="2"' : 'fill="currentColor"';
    return '<svg class="' + (className || "") + '" viewBox="0 0 24 24" width="22" height="22" aria-hidden="true" ' +
      'focusable="false"><path ' + paint + ' d="' + paths[name] + '"/></svg>';
  }

  function css() {
    // Pixels, never rem: rem follows the page's root font size. `all: initial` cuts every inherited
    // property the page set on <html>/<body> (or on the host with `*`) before ours apply.
    return '' +
      ':host{all:initial}' +
      '*,*::before,*::after{box-sizing:border-box}' +
      '.launcher,.panel{all:initial;box-sizing:border-box;font:14px/1.45 system-ui,-apple-system,"Segoe UI",' +
      'Roboto,Helvetica,Arial,sans-serif;color:#1f2933;position:fixed}' +
      '.panel *{font:inherit;color:inherit;letter-spacing:normal;text-transform:none}' +
      '.launcher{right:20px;bottom:20px;width:56px;height:56px;border-radius:50%;color:#fff;cursor:pointer;' +
      'display:flex;align-items:center;justify-content:center;box-shadow:0 4px 14px rgba(0,0,0,.25)}' +
      '.launcher svg{width:26px;height:26px}' +
      '.launcher .when-open,.launcher[aria-expanded="true"] .when-closed{display:none}' +
      '.launcher[aria-expanded="true"] .when-open{display:block}' +
      '.launcher:focus-visible,button:focus-visible,input:focus-visible,.log:focus-visible{outline:3px solid ' +
      '#2563eb;outline-offset:2px}' +
      '.badge{position:absolute;top:2px;right:2px;width:14px;height:14px;border-radius:50%;background:#dc2626;' +
      'border:2px solid #fff}' +
      '.panel{right:20px;bottom:88px;width:370px;max-width:calc(100vw - 40px);height:560px;' +
      'max-height:calc(100vh - 110px);background:#fff;border-radius:14px;box-shadow:0 10px 40px rgba(0,0,0,.25);' +
      'display:flex;flex-direction:column;overflow:hidden}' +
      '.panel[hidden],[hidden]{display:none!important}' +
      'header{display:flex;align-items:center;justify-content:space-between;padding:12px 12px 12px 16px;' +
      'border-bottom:1px solid #e4e7eb}' +
      '.title{margin:0;font-size:16px;font-weight:600}' +
      'button{cursor:pointer;border:0;background:none;padding:0;margin:0}' +
      '.close{width:36px;height:36px;border-radius:8px;display:flex;align-items:center;justify-content:center;' +
      'color:#52606d}' +
      '.close:hover{background:#f0f2f5}' +
      '.log{flex:1;overflow-y:auto;padding:14px;display:flex;flex-direction:column;gap:8px;background:#f7f8fa}' +
      '.greeting,.note,.ai-notice{margin:0;align-self:center;text-align:center;color:#52606d;font-size:13px}' +
      '.msg{max-width:82%;padding:8px 12px;border-radius:14px;white-space:pre-wrap;overflow-wrap:anywhere;' +
      'margin:0}' +
      '.msg.contact{align-self:flex-end;background:#1f2933;color:#fff;border-bottom-right-radius:4px}' +
      '.msg.assistant,.msg.agent{align-self:flex-start;background:#fff;border:1px solid #e4e7eb;' +
      'border-bottom-left-radius:4px}' +
      '.msg a{color:inherit;text-decoration:underline}' +
      '.who{display:block;font-size:11px;font-weight:600;opacity:.7;margin-bottom:2px}' +
      '.typing{padding:4px 16px 8px;background:#f7f8fa}' +
      '.dots{display:inline-flex;gap:4px;padding:10px 12px;background:#fff;border:1px solid #e4e7eb;' +
      'border-radius:14px}' +
      '.dots i{width:7px;height:7px;border-radius:50%;background:#9aa5b1;animation:engium-blink 1.2s infinite}' +
      '.dots i:nth-child(2){animation-delay:.2s}.dots i:nth-child(3){animation-delay:.4s}' +
      '@keyframes engium-blink{0%,80%,100%{opacity:.3}40%{opacity:1}}' +
      '@media (prefers-reduced-motion:reduce){.dots i{animation:none}}' +
      '.notice{margin:12px;padding:12px;border-radius:10px;background:#fff4e5;border:1px solid #f5c77e}' +
      '.notice p{margin:0 0 8px}.notice p:last-child{margin:0}' +
      '.retry{padding:6px 12px;border-radius:8px;background:#1f2933;color:#fff}' +
      '.details{display:flex;flex-direction:column;gap:3px;padding:10px 16px;border-top:1px solid #e4e7eb}' +
      '.details h3{margin:0 0 2px;font-size:14px;font-weight:600}' +
      '.details label{display:block;font-size:12px;font-weight:500;margin-bottom:2px}' +
      '.pair{display:flex;gap:8px}.pair>div{flex:1;min-width:0}' +
      '.details input{display:block;width:100%;padding:6px 8px;border:1px solid #cbd2d9;border-radius:8px;' +
      'background:#fff;color:#1f2933;font-size:14px}' +
      '.input{display:block;width:100%;padding:8px 10px;border:1px solid #cbd2d9;border-radius:8px;' +
      'background:#fff;color:#1f2933;font-size:14px}' +
      '.hint{font-size:12px;color:#52606d;margin:2px 0 0}' +
      '.details-error{margin:0;color:#b91c1c;font-size:13px}.details-error:empty{display:none}' +
      '.details-save{margin-top:4px;padding:8px;border-radius:8px;color:#fff;font-weight:600}' +
      '.composer{display:flex;gap:8px;padding:10px 12px;border-top:1px solid #e4e7eb}' +
      '.input{flex:1}' +
      '.send{width:40px;height:40px;flex:none;border-radius:8px;color:#fff;display:flex;align-items:center;' +
      'justify-content:center}' +
      '.send:disabled,.details-save:disabled{opacity:.6;cursor:default}' +
      '.sr{position:absolute;width:1px;height:1px;padding:0;margin:-1px;overflow:hidden;clip:rect(0,0,0,0);' +
      'white-space:nowrap;border:0}' +
      '@media (max-width:480px){.panel{right:0;bottom:0;width:100vw;max-width:100vw;height:100%;' +
      'max-height:100%;border-radius:0}.launcher{right:16px;bottom:16px}}' + privacyCss() + proofCss();
  }

  // ---- opening and closing ----------------------------------------------------------------------------
  function setOpen(wanted) {
    open = wanted;
    panel.hidden = !open;
    launcher.setAttribute("aria-expanded", String(open));
    launcher.setAttribute("aria-label", open ? "Close chat" : "Open chat");
    if (open) {
      badge.hidden = true;
      if (!ready) { connect(); } else { focusInside(); schedule(0); }
    } else {
      launcher.focus();
      schedule(CLOSED_POLL_MS);
    }
  }

  function focusInside() {
    if (!details.hidden) { details.elements.namedItem("name").focus(); }
    else if (!composer.hidden) { input.focus(); }
    else if (!retry.hidden) { retry.focus(); }
    else { closeButton.focus(); }
  }

  launcher.addEventListener("click", function () { setOpen(!open); });
  closeButton.addEventListener("click", function () { setOpen(false); });
  panel.addEventListener("keydown", function (event) {
    if (event.key === "Escape") { event.preventDefault(); setOpen(false); }
  });
  retry.addEventListener("click", function () { connect(); });

  // Opening: ask whether this website may use the widget (and for the title) before offering a
  // composer that could only fail; then show the conversation this browser already has, if any.
  function connect() {
    showNotice(null);
    composer.hidden = true;
    call("GET", "/config").then(function (config) {
      configured(config);
      focusInside();
      if (grant) {
        return readAll().then(null, function (error) {
          if (error.status !== 401) { throw error; }
          grant = null;  // an expired conversation: the next message starts a new one
          forget();
        });
      }
    }).then(function () { schedule(idleDelay); }, function (error) {
      if (ready) { failed(error); return; }
      warn("chat unavailable (" + (error.status || "network error") + "). Is " + location.origin +
        " in the widget's allowed origins (Engium settings: widget_allowed_origins)?");
      greeting.hidden = true;  // no welcome from a chat that cannot answer
      showNotice("Sorry, chat isn't available on this page right now. Please try again later or contact " +
        "us another way.", error.status === 0 || error.status >= 500 || error.status === 429);
      focusInside();
    });
  }

  function configured(config) {
    ready = true;
    greeting.hidden = false;
    if (!script.getAttribute("data-title") && config && config.business_name) {
      title.textContent = config.business_name;
    }
    if (config && config.ai_notice) {
      aiNotice.textContent = config.ai_notice;
      aiNotice.hidden = false;
    }
    composer.hidden = false;
    $(".foot").hidden = false;  // "Your data": only where this website may use the widget
  }

  // ---- messages ---------------------------------------------------------------------------------------
  function readAll() {
    return call("GET", "/messages?limit=" + PAGE + (lastId ? "&after=" + lastId : "")).then(function (page) {
      received(page || []);
      if (page && page.length === PAGE) { return readAll(); }
      caughtUp = true;
    });
  }

  function received(messages) {
    var fresh = messages.filter(function (message) { return !rendered[message.id]; });
    var asked = messages.some(function (message) { return message.asks_for && message.asks_for.length; });
    var askedCode = messages.some(function (message) { return (message.asks_for || []).indexOf("code") >= 0; });
    if (messages.length) { lastId = messages[messages.length - 1].id; idleDelay = IDLE_POLL_MS[0]; }
    fresh.forEach(show);
    // Only new messages arrive here, so any new one from the business answers what the visitor sent.
    var reply = fresh.some(function (message) { return message.direction === "outbound"; });
    if (reply && awaitingSince) { awaitReply(false); }
    if (reply && !open && caughtUp) { badge.hidden = false; }
    if (askedCode) { askForCode(); } else if (asked) { askForDetails(); }
  }

  function show(message) {
    var item = document.createElement("p");
    item.className = "msg " + (AUTHORS[message.author_kind] ? message.author_kind : "agent");
    var who = document.createElement("span");
    who.className = "who";
    who.textContent = (AUTHORS[message.author_kind] || "Team") + ":";
    if (message.author_kind === "contact") { who.className = "sr"; }
    item.appendChild(who);
    var body = document.createElement("span");
    body.className = "body";
    appendText(body, message.body);
    item.appendChild(body);
    item.setAttribute("data-at", message.created_at);
    // In time order, even when a poll brings a message older than one this browser just sent.
    var at = Date.parse(message.created_at);
    var index = ordered.length;
    while (index > 0 && Date.parse(ordered[index - 1].created_at) > at) { index -= 1; }
    var before = index < ordered.length ? rendered[ordered[index].id] : null;
    ordered.splice(index, 0, message);
    rendered[message.id] = item;
    log.insertBefore(item, before);
    log.scrollTop = log.scrollHeight;
  }

  // Text only (never HTML from a message); web links become links that open a new tab.
  function appendText(parent, text) {
    var link = /https?:\/\/[^\s<>"']+[^\s<>"'.,;:!?)]/g;
    var at = 0;
    var match;
    while ((match = link.exec(text)) !== null) {
      parent.appendChild(document.createTextNode(text.slice(at, match.index)));
      var anchor = document.createElement("a");
      anchor.href = match[0];
      anchor.textContent = match[0];
      anchor.target = "_blank";
      anchor.rel = "noopener noreferrer nofollow";
      parent.appendChild(anchor);
      at = match.index + match[0].length;
    }
    parent.appendChild(document.createTextNode(text.slice(at)));
  }

  function note(text) {
    var item = document.createElement("p");
    item.className = "note";
    item.textContent = text;
    log.appendChild(item);
    log.scrollTop = log.scrollHeight;
  }

  function awaitReply(waiting) {
    awaitingSince = waiting ? Date.now() : 0;
    typing.hidden = !waiting;
  }

  composer.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = input.value.trim();
    if (!text || sendButton.disabled) { return; }
    sendButton.disabled = true;
    showNotice(null);
    awaitReply(true);  // before sending: a poll already on its way may bring the reply
    var sent = grant ? call("POST", "/messages", { body: text }) : start(text);
    sent.then(function (message) {
      input.value = "";
      if (message && !rendered[message.id]) { show(message); }
      schedule(REPLY_POLL_MS);
    }, failed).then(function () {
      sendButton.disabled = false;
      input.focus();
    });
  });

  // The first message starts the conversation: no conversation (and no contact) for a visitor who only
  // opened the panel.
  function start(text) {
    return call("POST", "/conversations", { message: text }, userHeaders()).then(function (started) {
      grant = started;
      save(started);
      return null;  // the first message arrives with the next poll
    });
  }

  function userHeaders() {
    return USER ? {
      "X-Widget-User-Id": USER.id, "X-Widget-User-Expires": USER.expires, "X-Widget-User-Signature": USER.signature
    } : {};
  }

  function failed(error) {
    if (error.status === 401 && grant) {
      // The conversation's token expired or was revoked: the next message starts a new one.
      grant = null;
      forget();
      showNotice("This chat has expired. Send your message again to start a new one.");
    } else if (error.status === 429) {
      showNotice("You're sending messages a little too quickly. Please wait a moment and try again.");
    } else if (error.status === 401 && USER) {
      showNotice("Please reload the page to keep chatting.");  // the site's signature has expired
    } else {
      showNotice("Sorry, your message couldn't be sent. Please check your connection and try again.");
    }
    awaitReply(false);
  }

  function showNotice(text, canRetry) {
    notice.hidden = !text;
    noticeText.textContent = text || "";
    retry.hidden = !canRetry;
  }

  // ---- polling: fast while a reply is awaited, slower while idle, slowest when closed -----------------
  function schedule(delay) {
    if (timer) { clearTimeout(timer); }
    timer = grant && ready ? setTimeout(poll, delay) : null;
  }

  function poll() {
    timer = null;
    if (polling || !grant) { return; }
    if (document.hidden) { return; }  // resumed by visibilitychange
    polling = true;
    readAll().then(null, function (error) {
      if (error.status === 401) { failed(error); }
    }).then(function () {
      polling = false;
      if (awaitingSince && Date.now() - awaitingSince > REPLY_WAIT_MS) { awaitReply(false); }
      if (awaitingSince) { schedule(REPLY_POLL_MS); }
      else if (open) {
        schedule(idleDelay);
        idleDelay = Math.min(Math.round(idleDelay * 1.5), IDLE_POLL_MS[1]);
      } else { schedule(CLOSED_POLL_MS); }
    });
  }

  document.addEventListener("visibilitychange", function () {
    if (!document.hidden) { schedule(0); }
  });

  // ---- the details form ---------------------------------------------------------------------------------
  function askForDetails() {
    if (!details.hidden) { return; }
    details.hidden = false;
    detailsError.textContent = "";
    log.scrollTop = log.scrollHeight;  // the question that asks for them stays in view above the form
    if (open) { details.elements.namedItem("name").focus(); }
  }

  details.addEventListener("submit", function (event) {
    event.preventDefault();
    var fields = details.elements;
    var name = fields.namedItem("name").value.trim();
    var phone = fields.namedItem("phone").value.trim();
    var email = fields.namedItem("email").value.trim();
    if (!name || (!phone && !email)) {
      detailsError.textContent = "Please give your name and a phone number or an e-mail address.";
      fields.namedItem(name ? "phone" : "name").focus();
      return;
    }
    var save = $(".details-save");
    save.disabled = true;
    call("PUT", "/contact", { name: name, phone: phone || null, email: email || null }).then(function (stated) {
      details.hidden = true;
      if (stated.code_sent_to) {
        askForCode(codeSentMessage(stated.code_sent_to));  // proved with a code before the booking (ADR 0043)
        return;
      }
      note("Thanks, " + stated.name + ". Reply \u201cyes\u201d to confirm your booking.");
      input.focus();
    }, function (error) {
      if (error.status === 422 && error.message && !(error.details || []).map) {
        detailsError.textContent = error.message;  // no way to send a code there: the message says which to give
        fields.namedItem(error.details && error.details.field === "phone" ? "phone" : "email").focus();
      } else if (error.status === 429) {
        detailsError.textContent = error.message;
      } else if (error.status === 422) {
        var bad = (error.details || []).map(function (d) { return d.loc && d.loc[d.loc.length - 1]; });
        detailsError.textContent = bad.indexOf("phone") >= 0
          ? "Please enter the phone number in international form, starting with + and the country code."
          : bad.indexOf("email") >= 0 ? "Please check the e-mail address."
            : "Please give your name and a phone number or an e-mail address.";
        fields.namedItem(bad.indexOf("phone") >= 0 ? "phone" : bad.indexOf("email") >= 0 ? "email" : "name")
          .focus();
      } else {
        failed(error);
      }
    }).then(function () { save.disabled = false; });
  });

  // ---- "Your data" (widget_privacy.js, inlined here when served) --------------------------------------
  /* @include widget_privacy.js */

  // ---- the one-time code for the details (widget_proof.js, inlined here when served) ------------------
  /* @include widget_proof.js */

  // ---- go -------------------------------------------------------------------------------------------------
  function mount() {
    document.body.appendChild(host);
    // A returning visitor: show unread replies on the closed bubble without opening anything.
    if (grant) {
      call("GET", "/config").then(function (config) { configured(config); schedule(0); }, function () {
        /* explained when the visitor opens the chat */
      });
    }
  }
  if (document.body) { mount(); } else { document.addEventListener("DOMContentLoaded", mount); }
})();
