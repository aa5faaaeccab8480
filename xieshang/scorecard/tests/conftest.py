from xieshang.duties.tests.conftest import World, build, w  # noqa: F401  (the same hand-built committee)
