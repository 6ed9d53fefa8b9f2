  /*
   * The one-time code that proves the phone number or e-mail address given in the details form
   * (docs/adr/0043): shown after the details are saved (the code went by e-mail or text message), and
   * whenever the assistant's latest reply waits for it (asks_for ["code"]). Served inside widget.js's
   * closure (channels/widget_script.py inlines this file where widget.js names it).
   */
  function proofTemplate() {
    return '' +
      '<form class="proof" hidden novalidate aria-labelledby="engium-proof-title">' +
      '<h3 id="engium-proof-title">Confirm your details</h3>' +
      '<p class="proof-sent" role="status">Enter the 6-digit code we sent you.</p>' +
      '<label for="engium-proof-code">Your code</label>' +
      '<input id="engium-proof-code" name="code" inputmode="numeric" autocomplete="one-time-code" ' +
      'maxlength="6" pattern="[0-9]{6}" required>' +
      '<p class="proof-error" role="alert"></p>' +
      '<div class="proof-actions"><button class="proof-go" type="submit">Confirm</button>' +
      '<button class="proof-again" type="button">Send a new code</button></div></form>';
  }

  function proofCss() {
    return '' +
      '.proof{display:flex;flex-direction:column;gap:4px;padding:10px 16px;border-top:1px solid #e4e7eb}' +
      '.proof h3{margin:0 0 2px;font-size:14px;font-weight:600}.proof-sent{margin:0;font-size:13px}' +
      '.proof label{font-size:12px;font-weight:500}' +
      '.proof input{display:block;width:100%;padding:6px 8px;border:1px solid #cbd2d9;border-radius:8px;' +
      'background:#fff;color:#1f2933;font-size:16px;letter-spacing:2px}' +
      '.proof-error{margin:0;color:#b91c1c;font-size:13px}.proof-error:empty{display:none}' +
      '.proof-actions{display:flex;gap:8px;align-items:center}' +
      '.proof-go{padding:8px 14px;border-radius:8px;color:#fff;font-weight:600}' +
      '.proof-go:disabled{opacity:.6;cursor:default}' +
      '.proof-again{color:#52606d;text-decoration:underline;font-size:13px}';
  }

  var proof = $(".proof");
  var proofError = $(".proof-error");
  $(".proof-go").style.background = ACCENT;

  function askForCode(message) {
    details.hidden = true;
    if (message) { $(".proof-sent").textContent = message; }
    if (!proof.hidden) { return; }
    proof.hidden = false;
    proofError.textContent = "";
    log.scrollTop = log.scrollHeight;
    if (open) { proof.elements.namedItem("code").focus(); }
  }

  function codeSentMessage(channel) {
    return channel === "email" ? "We e-mailed you a 6-digit code. Enter it here within 10 minutes."
      : "We texted you a 6-digit code. Enter it here within 10 minutes.";
  }

  function proofFailed(error) {
    if (error.status === 422 || error.status === 409 || error.status === 429) {
      proofError.textContent = error.message || "That didn't work. Please try again.";
      proof.elements.namedItem("code").focus();
    } else {
      failed(error);
    }
  }

  proof.addEventListener("submit", function (event) {
    event.preventDefault();
    var field = proof.elements.namedItem("code");
    var code = field.value.replace(/\s+/g, "");
    if (!/^[0-9]{6}$/.test(code)) {
      proofError.textContent = "Please enter the 6-digit code.";
      field.focus();
      return;
    }
    var go = $(".proof-go");
    go.disabled = true;
    call("POST", "/contact/verify", { code: code }).then(function (proved) {
      proof.hidden = true;
      field.value = "";
      note(proved.message);
      input.focus();
    }, proofFailed).then(function () { go.disabled = false; });
  });

  $(".proof-again").addEventListener("click", function () {
    call("POST", "/contact/code").then(function (sent) {
      proofError.textContent = "";
      $(".proof-sent").textContent = sent.message;
    }, proofFailed);
  });
