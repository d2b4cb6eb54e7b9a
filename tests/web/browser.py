"""Headless Chromium from Debian's packages, driven by Selenium through Debian's chromedriver.

No browser is ever downloaded: both binaries must be at their Debian paths (`apt-get install chromium
chromium-driver`; .ci/run installs them).  Tests skip without them, unless EVENTSCOPE_REQUIRE_BROWSER=1.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
# Recorded from the first script of every page: any Content-Security-Policy violation, and any script
# of an article that managed to run would set window.__pwned.
WATCH_VIOLATIONS = """
window.__violations = [];
document.addEventListener('securitypolicyviolation',
    (e) => window.__violations.push(e.violatedDirective + ' ' + e.blockedURI));
"""


def missing_browser() -> str | None:
    """Why the browser tests cannot run here, or None."""
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium is not installed (pip install -e '.[dev]')"
    for binary in (CHROMIUM, CHROMEDRIVER):
        if not binary.exists():
            return f"{binary} is missing (apt-get install chromium chromium-driver)"
    return None


class Browser:
    """One headless Chromium with a fresh profile; quit() removes the profile."""

    def __init__(self, width: int = 1440, height: int = 960):
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service

        self.profile = tempfile.mkdtemp(prefix="eventscope-chromium-")
        options = webdriver.ChromeOptions()
        options.binary_location = str(CHROMIUM)
        for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                     "--disable-component-update", "--disable-sync", "--disable-quic", "--no-first-run",
                     "--disable-extensions", "--disable-default-apps", f"--user-data-dir={self.profile}",
                     f"--window-size={width},{height}", "--force-device-scale-factor=1"):  # fmt: skip
            options.add_argument(flag)
        options.set_capability("goog:loggingPrefs", {"performance": "ALL", "browser": "ALL"})
        self.driver = webdriver.Chrome(options=options, service=Service(str(CHROMEDRIVER)))
        self.driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": WATCH_VIOLATIONS})
        self.requests: list[str] = []

    def quit(self) -> None:
        try:
            self.driver.quit()
        finally:
            shutil.rmtree(self.profile, ignore_errors=True)

    def wait(self, condition: Callable[[], Any], timeout: float = 15, what: str = "the page") -> Any:
        """Poll until condition() is truthy; its value, or AssertionError naming `what`."""
        deadline = time.monotonic() + timeout
        last = None
        while time.monotonic() < deadline:
            try:
                last = condition()
            except Exception as error:  # the page may be between renders: try again
                last = error
            else:
                if last:
                    return last
            time.sleep(0.05)
        raise AssertionError(f"timed out waiting for {what} (last: {last!r})")

    def js(self, script: str, *args: Any) -> Any:
        return self.driver.execute_script(script, *args)

    def data(self, selector: str, name: str) -> str | None:
        return self.js("const n = document.querySelector(arguments[0]); return n ? n.dataset[arguments[1]] : null;",
                       selector, name)  # fmt: skip

    def requested(self) -> list[str]:
        """Every URL the pages asked for since the browser started (from Chrome's network log)."""
        for entry in self.driver.get_log("performance"):
            message = json.loads(entry["message"])["message"]
            if message["method"] == "Network.requestWillBeSent":
                self.requests.append(message["params"]["request"]["url"])
            elif message["method"] == "Network.webSocketCreated":
                self.requests.append(message["params"]["url"])
        return self.requests


def require_browser() -> None:
    """Skip (or fail, with EVENTSCOPE_REQUIRE_BROWSER=1) when the browser cannot run."""
    import pytest

    reason = missing_browser()
    if reason is None:
        return
    if os.environ.get("EVENTSCOPE_REQUIRE_BROWSER") == "1":
        pytest.fail(f"EVENTSCOPE_REQUIRE_BROWSER=1 but {reason}")
    pytest.skip(reason)
