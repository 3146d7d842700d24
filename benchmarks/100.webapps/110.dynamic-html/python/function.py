import os
import random
from datetime import datetime

from jinja2 import Template

_TEMPLATE_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "templates", "template.html")
_template = None


def _load_template():
    # Parsed once per sandbox, like any web app would.
    global _template
    if _template is None:
        with open(_TEMPLATE_PATH, "r") as f:
            _template = Template(f.read())
    return _template


def handler(event):
    name = event.get("username")
    size = int(event.get("random_len"))
    cur_time = datetime.now()
    random_numbers = random.sample(range(0, 1000000), size)
    html = _load_template().render(username=name, cur_time=cur_time, random_numbers=random_numbers)
    return {"result": html}
