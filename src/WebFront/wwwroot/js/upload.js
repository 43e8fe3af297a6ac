// Upload with a progress bar. Without JavaScript the form still posts normally.
(function () {
    const form = document.getElementById("upload-form");
    if (!form || !window.FormData || !window.XMLHttpRequest) {
        return;
    }

    const progress = document.getElementById("progress");
    const bar = document.getElementById("progress-bar");
    const text = document.getElementById("progress-text");
    const submit = document.getElementById("submit");

    function show(percent, label) {
        progress.hidden = false;
        bar.style.width = percent + "%";
        text.textContent = label;
    }

    form.addEventListener("submit", function (event) {
        event.preventDefault();
        const request = new XMLHttpRequest();
        request.open("POST", form.action || window.location.href);
        request.upload.addEventListener("progress", function (e) {
            if (e.lengthComputable) {
                const percent = Math.round((e.loaded / e.total) * 100);
                show(percent, percent < 100 ? percent + " %" : "Detecting faces…");
            }
        });
        request.addEventListener("load", function () {
            if (request.responseURL && request.responseURL !== window.location.href && request.status < 400) {
                window.location.href = request.responseURL;   // the result page
                return;
            }
            document.open();
            document.write(request.responseText);               // the page again, with its error
            document.close();
        });
        request.addEventListener("error", function () {
            submit.disabled = false;
            show(0, "The upload failed: check your connection and try again.");
        });
        submit.disabled = true;
        show(0, "0 %");
        request.send(new FormData(form));
    });
})();
