// Shows the school's own monitoring notice: the one its Lifeguard gives
// now, or the last one read when the device is offline.
"use strict";
function show(notice) {
  if (notice) document.getElementById("notice").textContent = notice;
}
chrome.storage.local.get("settings").then(({settings}) => show(settings && settings.notice));
chrome.runtime.sendMessage({type: "refresh"}, (answer) => {
  if (!chrome.runtime.lastError && answer) show(answer.notice);
});
