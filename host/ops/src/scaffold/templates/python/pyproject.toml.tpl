[project]
name = "{{name}}"
version = "0.1.0"
description = "{{description}}"
requires-python = ">=3.11"
# The kit (installed by requirements.txt with its test tools).
dependencies = ["cxr-plugin=={{kit_version}}.*"]

[tool.cxr-plugin]
plugin = "{{lib}}:{{type}}"

[tool.mypy]
strict = true
python_version = "3.11"
exclude = ["^build/", "^\\.venv/"]

[tool.pytest.ini_options]
testpaths = ["."]
addopts = "-p no:cacheprovider"
