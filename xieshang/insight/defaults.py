"""Defaults the platform may override through Django settings of the same name."""

from __future__ import annotations

from typing import Any

from django.conf import settings

# The contest's first-level categories mapped to Chancheng district units. The platform decides
# where the live mapping is stored; this is only the starting point.
INSIGHT_CATEGORY_UNITS: dict[str, str] = {
    "城乡建设": "区住房城乡建设和水利局",
    "劳动和社会保障": "区人力资源和社会保障局",
    "教育文体": "区教育局",
    "商贸旅游": "区经济和科技促进局",
    "环境保护": "佛山市生态环境局禅城分局",
    "卫生计生": "区卫生健康局",
    "交通运输": "区交通运输局",
}

# File name of the routing model inside settings.XIESHANG_MODEL_DIR.
INSIGHT_ROUTER_FILE = "router.joblib"


def get(name: str) -> Any:
    """A setting ``name`` from Django settings, falling back to the default in this module."""
    return getattr(settings, name, globals()[name])
