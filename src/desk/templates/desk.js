// The desk's only script: copy buttons and the publish form. No network access except the desk's
// own form posts; data comes from the JSON block the page embeds (#desk-data).
(function () {
  'use strict';
  var dataNode = document.getElementById('desk-data');
  var data = dataNode ? JSON.parse(dataNode.textContent) : null;
  var status = document.getElementById('copy-status');

  function say(message, isError) {
    if (!status) { return; }
    status.textContent = message;
    status.className = isError ? 'error' : 'ok';
  }

  function selectAndCopy(node) {
    document.body.appendChild(node);
    var range = document.createRange();
    range.selectNodeContents(node);
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
    if (node.select) { node.select(); }
    var ok = false;
    try { ok = document.execCommand('copy'); } catch (e) { ok = false; }
    selection.removeAllRanges();
    node.remove();
    if (!ok) { throw new Error('execCommand'); }
  }

  // Rich HTML for SmartEditor ONE: text/html with a text/plain twin; the old way when the
  // Clipboard API is missing or refused.
  function copyRich(html, text) {
    if (navigator.clipboard && navigator.clipboard.write && window.ClipboardItem) {
      var item = new ClipboardItem({
        'text/html': new Blob([html], { type: 'text/html' }),
        'text/plain': new Blob([text], { type: 'text/plain' })
      });
      return navigator.clipboard.write([item]).catch(function () { return copyRichFallback(html); });
    }
    return new Promise(function (resolve) { copyRichFallback(html); resolve(); });
  }

  function copyRichFallback(html) {
    var holder = document.createElement('div');
    holder.className = 'offscreen';
    holder.contentEditable = 'true';
    holder.innerHTML = html;
    selectAndCopy(holder);
  }

  function copyText(text) {
    if (navigator.clipboard && navigator.clipboard.writeText) {
      return navigator.clipboard.writeText(text).catch(function () { copyTextFallback(text); });
    }
    return new Promise(function (resolve) { copyTextFallback(text); resolve(); });
  }

  function copyTextFallback(text) {
    var area = document.createElement('textarea');
    area.className = 'offscreen';
    area.value = text;
    selectAndCopy(area);
  }

  var done = {
    title: '제목을 복사했습니다. 네이버 글쓰기 화면의 제목 칸을 누르고 붙여 넣으세요(Ctrl+V, 맥은 ⌘+V).',
    body: '본문을 서식과 함께 복사했습니다. 본문 칸을 누르고 붙여 넣으세요. [[사진 N]] 자리에는 아래 사진 N을 넣고 그 글자는 지우세요.',
    tags: '태그를 복사했습니다. 발행 버튼을 누른 뒤 나오는 태그 입력 칸에 붙여 넣으세요.'
  };

  Array.prototype.forEach.call(document.querySelectorAll('button[data-copy]'), function (button) {
    button.addEventListener('click', function () {
      if (!data) { return; }
      var what = button.getAttribute('data-copy');
      var job = what === 'body' ? copyRich(data.html, data.text)
        : copyText(what === 'title' ? data.title : data.tags);
      Promise.resolve(job).then(function () {
        button.classList.add('done');
        say(done[what], false);
      }).catch(function () {
        say('복사하지 못했습니다. 브라우저가 클립보드 사용을 막았을 수 있습니다. 아래 미리보기를 마우스로 선택해 직접 복사하세요(Ctrl+C).', true);
      });
    });
  });

  // The Naver check runs in the background: its page reloads itself until the result is in.
  if (document.getElementById('check-running')) {
    window.setTimeout(function () { window.location.reload(); }, 1000);
  }

  var form = document.querySelector('form.publish');
  if (form) {
    form.addEventListener('submit', function () {
      var submit = form.querySelector('button[type=submit]');
      if (submit) { submit.disabled = true; submit.textContent = '기록하는 중…'; }
    });
  }
})();
