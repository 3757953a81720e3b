# Sourced by the ensure-*.sh scripts: installs a Debian package with apt-get,
# as root or through sudo. The caller's failure function decides whether a
# failure is fatal (Redis) or skippable outside CI (the browser).
#   apt_install <on-failure function> <package> [apt-get install options...]

apt_install() {
  local on_failure="$1" package="$2"
  shift 2
  command -v apt-get >/dev/null 2>&1 || "$on_failure" "$package is missing and apt-get is not available; install it and retry"
  local sudo=()
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null 2>&1 || "$on_failure" "$package is missing and installing it needs root (no sudo here): apt-get install $package"
    sudo=(sudo)
  fi
  echo "installing $package with apt-get" >&2
  export DEBIAN_FRONTEND=noninteractive
  "${sudo[@]}" apt-get update || "$on_failure" "apt-get update failed"
  "${sudo[@]}" apt-get install -y "$@" "$package" || "$on_failure" "apt-get install $package failed"
}
