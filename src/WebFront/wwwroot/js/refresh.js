// Charts refresh themselves: every element with data-refresh re-fetches its HTML fragment.
(function () {
    const PERIOD_MS = 15000;
    const boxes = document.querySelectorAll("[data-refresh]");
    if (boxes.length === 0 || !window.fetch) {
        return;
    }

    async function refresh() {
        for (const box of boxes) {
            try {
                const response = await fetch(box.dataset.refresh, { credentials: "same-origin", cache: "no-store" });
                if (response.redirected) {
                    // The session ended: the fragment request was sent to the login page. Go there.
                    window.location.href = response.url;
                    return;
                }
                if (response.ok) {
                    box.innerHTML = await response.text();
                    box.dataset.refreshedAt = new Date().toISOString();
                }
            } catch (e) {
                // Try again next period; the last charts stay on screen.
            }
        }
    }

    setInterval(refresh, PERIOD_MS);
})();
