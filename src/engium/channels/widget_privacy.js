  /*
   * "Your data": the visitor asks the business for a copy of their data or to delete it, and proves the
   * phone number or e-mail address is theirs with a code sent to it by text message or e-mail
   * (docs/adr/0031). Served inside widget.js's closure (channels/widget_script.py inlines this file where
   * widget.js names it), so it shares call(), grant and the shadow root.
   */
  function privacyTemplate() {
    return '' +
      '<section class="privacy" hidden aria-labelledby="engium-privacy-title">' +
      '<h3 id="engium-privacy-title" tabindex="-1">Your data</h3>' +
      '<form class="privacy-ask" novalidate>' +
      '<p class="hint">Ask the business for a copy of your data, or to delete it. We will send a code to the ' +
      'phone number or e-mail address the business has for you.</p>' +
      '<fieldset><legend>What would you like?</legend>' +
      '<label class="choice"><input type="radio" name="kind" value="export" checked> A copy of my data</label>' +
      '<label class="choice"><input type="radio" name="kind" value="erasure"> Delete my data</label></fieldset>' +
      '<fieldset><legend>Send the code by</legend>' +
      '<label class="choice"><input type="radio" name="via" value="phone" checked> Text message</label>' +
      '<label class="choice"><input type="radio" name="via" value="email"> E-mail</label></fieldset>' +
      '<label for="engium-privacy-to">Mobile number</label>' +
      '<input id="engium-privacy-to" name="to" type="tel" autocomplete="tel" maxlength="254" ' +
      'placeholder="+44 7700 900123" required>' +
      '<p class="privacy-error" role="alert"></p>' +
      '<button class="privacy-go" type="submit">Text me a code</button></form>' +
      '<form class="privacy-code" novalidate hidden>' +
      '<p class="privacy-sent" role="status"></p>' +
      '<label for="engium-privacy-code">Code</label>' +
      '<input id="engium-privacy-code" name="code" inputmode="numeric" autocomplete="one-time-code" ' +
      'maxlength="6" pattern="[0-9]{6}" required>' +
      '<p class="privacy-error" role="alert"></p>' +
      '<button class="privacy-go" type="submit">Confirm</button></form>' +
      '<p class="privacy-done" role="status" hidden></p>' +
      '<button class="privacy-back" type="button">Back to chat</button></section>' +
      '<p class="foot" hidden><button class="privacy-open" type="button">Your data</button></p>';
  }

  function privacyCss() {
    return '' +
      '.privacy{flex:1;overflow-y:auto;padding:14px 16px;display:flex;flex-direction:column;gap:8px}' +
      '.privacy h3{margin:0;font-size:15px;font-weight:600}' +
      '.privacy form{display:flex;flex-direction:column;gap:6px}' +
      '.privacy fieldset{border:0;margin:0;padding:0;display:flex;flex-direction:column;gap:4px}' +
      '.privacy legend,.privacy label{font-size:12px;font-weight:500}' +
      '.privacy .choice{font-size:14px;font-weight:400;display:flex;gap:6px;align-items:center}' +
      '.privacy input[name=to],.privacy input[name=code]{display:block;width:100%;padding:8px 10px;' +
      'border:1px solid #cbd2d9;border-radius:8px;background:#fff;color:#1f2933;font-size:14px}' +
      '.privacy-error{margin:0;color:#b91c1c;font-size:13px}.privacy-error:empty{display:none}' +
      '.privacy-sent,.privacy-done{margin:0}' +
      '.privacy-go{padding:8px;border-radius:8px;color:#fff;font-weight:600}' +
      '.privacy-go:disabled{opacity:.6;cursor:default}' +
      '.privacy-back{align-self:flex-start;color:#52606d;text-decoration:underline;font-size:13px}' +
      '.foot{margin:0;padding:0 12px 8px;text-align:right}' +
      '.privacy-open{font-size:12px;color:#52606d;text-decoration:underline}';
  }

  var privacy = $(".privacy");
  var privacyAsk = $(".privacy-ask");
  var privacyCode = $(".privacy-code");
  var privacyDone = $(".privacy-done");
  var privacyOpen = $(".privacy-open");
  var privacyTo = privacyAsk.elements.namedItem("to");
  // Per way of sending: the field's label, its type (and autocomplete), example, button, and what to say
  // when it is empty or refused.
  var VIA = {
    phone: ["Mobile number", "tel", "+44 7700 900123", "Text me a code", "Please enter your phone number.",
      "Please enter the phone number in international form, starting with + and the country code."],
    email: ["E-mail address", "email", "you@example.com", "E-mail me a code", "Please enter your e-mail address.",
      "Please enter your e-mail address in full, such as you@example.com."]
  };
  var challenge = null;
  var chatParts = [log, typing, notice, details, composer];
  var hiddenChat = [];
  [].forEach.call(root.querySelectorAll(".privacy-go"), function (button) { button.style.background = ACCENT; });

  function showPrivacy(wanted) {
    if (wanted) {
      hiddenChat = chatParts.filter(function (part) { return !part.hidden; });
      hiddenChat.forEach(function (part) { part.hidden = true; });
      privacyAsk.hidden = false;
      privacyCode.hidden = true;
      privacyDone.hidden = true;
      privacyError(privacyAsk, "");
    } else {
      hiddenChat.forEach(function (part) { part.hidden = false; });
    }
    privacy.hidden = !wanted;
    privacyOpen.hidden = wanted;
    if (wanted) { privacyTo.focus(); } else { focusInside(); }
  }

  function privacyVia() {
    return VIA[privacyAsk.querySelector("input[name=via]:checked").value];
  }

  privacyAsk.addEventListener("change", function (event) {
    if (event.target.name !== "via") { return; }
    var via = privacyVia();
    $("label[for=engium-privacy-to]").textContent = via[0];
    privacyTo.type = privacyTo.autocomplete = via[1];
    privacyTo.placeholder = via[2];
    privacyTo.value = "";
    privacyAsk.querySelector(".privacy-go").textContent = via[3];
    privacyError(privacyAsk, "");
  });

  function privacyError(form, text) {
    form.querySelector(".privacy-error").textContent = text;
  }

  // Like the details form, a visitor without a conversation gets one first: the request names it.
  function withGrant() {
    if (grant) { return Promise.resolve(); }
    return call("POST", "/conversations", {}, userHeaders()).then(function (started) {
      grant = started;
      save(started);
      schedule(idleDelay);
    });
  }

  function privacyFailed(form, error) {
    if (error.status === 401 && grant) { grant = null; forget(); }
    privacyError(form, error.status === 429
      ? "Too many codes were asked for. Please try again in an hour, or contact the business directly."
      : error.status === 409 || error.code === "wrong_code" ? error.message
        : error.status === 404 ? "This code is no longer valid. Please ask for a new one."
          : "Sorry, that didn't work. Please check your connection and try again.");
  }

  privacyOpen.addEventListener("click", function () { showPrivacy(true); });
  $(".privacy-back").addEventListener("click", function () { showPrivacy(false); });

  privacyAsk.addEventListener("submit", function (event) {
    event.preventDefault();
    var to = privacyTo.value.trim();
    var via = privacyVia();
    var ask = { kind: privacyAsk.querySelector("input[name=kind]:checked").value };
    ask[via[1] === "tel" ? "phone" : "email"] = to;
    if (!to) {
      privacyError(privacyAsk, via[4]);
      privacyTo.focus();
      return;
    }
    var button = privacyAsk.querySelector(".privacy-go");
    button.disabled = true;
    privacyError(privacyAsk, "");
    withGrant().then(function () {
      return call("POST", "/privacy/requests", ask);
    }).then(function (sent) {
      challenge = sent.challenge_id;
      privacyAsk.hidden = true;
      privacyCode.hidden = false;
      privacyError(privacyCode, "");
      privacyCode.elements.namedItem("code").value = "";
      $(".privacy-sent").textContent = sent.message;
      privacyCode.elements.namedItem("code").focus();
    }, function (error) {
      if (error.status === 422) {
        privacyError(privacyAsk, via[5]);
        privacyTo.focus();
      } else {
        privacyFailed(privacyAsk, error);
      }
    }).then(function () { button.disabled = false; });
  });

  privacyCode.addEventListener("submit", function (event) {
    event.preventDefault();
    var input = privacyCode.elements.namedItem("code");
    var code = input.value.replace(/\s+/g, "");
    if (!/^[0-9]{6}$/.test(code)) {
      privacyError(privacyCode, "Please enter the 6-digit code we sent you.");
      input.focus();
      return;
    }
    var button = privacyCode.querySelector(".privacy-go");
    button.disabled = true;
    call("POST", "/privacy/requests/" + challenge + "/confirm", { code: code }).then(function (filed) {
      privacyCode.hidden = true;
      privacyDone.hidden = false;
      privacyDone.textContent = filed.message;
      $(".privacy-back").focus();
    }, function (error) {
      var over = error.status === 409 || error.status === 404 ||
        (error.code === "wrong_code" && error.details && error.details.tries_left === 0);
      if (over) {  // this code is done with: ask again from the start, keeping what was typed
        privacyCode.hidden = true;
        privacyAsk.hidden = false;
        privacyFailed(privacyAsk, error);
        privacyAsk.querySelector(".privacy-go").focus();
      } else {
        privacyFailed(privacyCode, error);
        input.select();
      }
    }).then(function () { button.disabled = false; });
  });
