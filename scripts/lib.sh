# Shared steps of ./demo and ./test: install what this machine lacks, then prepare the project.
# Sourced, not run. Works on a fresh Debian 12 with Python 3.11, git and root (or sudo-less root CI).

XS_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
XS_VENV="$XS_ROOT/.venv"
XS_PY="$XS_VENV/bin/python"

xs_say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

xs_as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    echo "需要 root 权限安装系统软件包：$*" >&2; return 1; fi
}

xs_pg_bindir() {
  local d
  d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1)
  [ -n "$d" ] && [ -x "$d/initdb" ] && echo "$d"
}

# Debian packages named in "$@" that are not installed yet; `apt-get update` once, only if needed.
xs_apt_missing() {
  local want=() p
  for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || want+=("$p"); done
  [ ${#want[@]} -eq 0 ] && return 0
  xs_say "安装系统软件包：${want[*]}"
  export DEBIAN_FRONTEND=noninteractive
  xs_as_root apt-get update -qq
  xs_as_root apt-get install -y -qq --no-install-recommends "${want[@]}" >/dev/null
}

# Debian packages, only those that are missing; `apt-get update` once, and only if needed.
# Beyond the commands: libatomic1 for the Node.js binary inside Playwright's Python package
# (its driver), which a minimal Debian lacks; Chromium's own libraries come with its package.
xs_system_packages() {
  local want=()
  command -v node >/dev/null || want+=(nodejs)
  command -v npm >/dev/null || want+=(npm)
  xs_pg_bindir >/dev/null || want+=(postgresql)
  [ -x /usr/bin/chromium ] || want+=(chromium)
  dpkg -s libatomic1 >/dev/null 2>&1 || want+=(libatomic1)
  dpkg -s fonts-noto-cjk >/dev/null 2>&1 || want+=(fonts-noto-cjk)
  command -v msgfmt >/dev/null || want+=(gettext)
  command -v python3.11 >/dev/null || want+=(python3.11)
  python3.11 -c 'import ensurepip, venv' >/dev/null 2>&1 || want+=(python3.11-venv)
  if [ ${#want[@]} -gt 0 ]; then
    xs_say "安装系统软件包：${want[*]}"
    export DEBIAN_FRONTEND=noninteractive
    xs_as_root apt-get update -qq
    xs_as_root apt-get install -y -qq --no-install-recommends "${want[@]}" >/dev/null
  fi
}

# .venv from requirements.lock; reinstalled only when the lock file changes.
xs_python_env() {
  local stamp="$XS_VENV/.lock.sha256" sum
  sum=$(sha256sum "$XS_ROOT/requirements.lock" | cut -d' ' -f1)
  if [ ! -x "$XS_PY" ]; then
    xs_say "创建 Python 虚拟环境 .venv"
    python3.11 -m venv "$XS_VENV"
  fi
  if [ "$(cat "$stamp" 2>/dev/null)" != "$sum" ]; then
    xs_say "安装 Python 依赖（requirements.lock）"
    "$XS_PY" -m pip install -q --disable-pip-version-check -r "$XS_ROOT/requirements.lock"
    echo "$sum" >"$stamp"
  fi
}

# node_modules from package-lock.json; reinstalled only when the lock file changes.
xs_node_env() {
  local stamp="$XS_ROOT/node_modules/.lock.sha256" sum
  sum=$(sha256sum "$XS_ROOT/package-lock.json" | cut -d' ' -f1)
  if [ "$(cat "$stamp" 2>/dev/null)" != "$sum" ]; then
    xs_say "安装前端依赖（npm ci）"
    (cd "$XS_ROOT" && npm ci --no-audit --no-fund --loglevel=error)
    echo "$sum" >"$stamp"
  fi
}

xs_manage() { (cd "$XS_ROOT" && exec "$XS_PY" manage.py "$@"); }

# Static files and translations; the database is migrated by the caller (it knows which one).
xs_project_assets() {
  xs_manage vendor_assets -v0 >/dev/null
  xs_manage collectstatic --noinput -v0
  if [ -d "$XS_ROOT/locale" ]; then
    xs_manage compilemessages -v0 --ignore=.venv --ignore=node_modules
  fi
}

xs_setup() {
  xs_system_packages
  xs_python_env
  xs_node_env
  xs_project_assets
}
