"""Templates in the reader's script.

The pages' fixed wording is written in the templates in Simplified Chinese. With Traditional Chinese
(zh-hant) active, each template's source is converted by the same OpenCC profile that makes the
zh_Hant catalogue (``xieshang.core.hant``), once per process, before it is compiled; what the
template shows from records (variables) is rendered as typed. The cache keeps one compiled template
per template and script.
"""

from __future__ import annotations

from typing import Any

from django.template.loaders import cached
from django.utils import translation

from . import hant


class Loader(cached.Loader):
    def get_contents(self, origin: Any) -> str:
        contents = super().get_contents(origin)
        convert = hant.reader_converter()
        return convert(contents) if convert else contents

    def cache_key(self, template_name: str, skip: Any = None) -> str:
        return f"{super().cache_key(template_name, skip)}:{translation.get_language()}"
