# Shared by the scripts: pick the Home Assistant target and find its Python.
# Sourced, not run. Targets:
#   minimum  Home Assistant 2025.4 (hacs.json's minimum), Python 3.13, .venv
#   latest   Home Assistant 2026.10, Python >= 3.14.2, .venv-latest

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# Sets HA_TARGET, VENV, REQUIREMENTS and ARGS (the arguments left after --ha).
parse_target() {
  HA_TARGET=minimum
  ARGS=()
  while [ $# -gt 0 ]; do
    case "$1" in
      --ha) HA_TARGET=${2:?--ha needs minimum or latest}; shift 2 ;;
      --ha=*) HA_TARGET=${1#--ha=}; shift ;;
      *) ARGS+=("$1"); shift ;;
    esac
  done
  case "$HA_TARGET" in
    minimum) VENV=$ROOT/.venv; REQUIREMENTS=$ROOT/requirements_test.txt ;;
    latest) VENV=$ROOT/.venv-latest; REQUIREMENTS=$ROOT/requirements_test_latest.txt ;;
    *) echo "unknown --ha target '$HA_TARGET' (use minimum or latest)" >&2; exit 2 ;;
  esac
}

# Print the first interpreter that is at least MAJOR.MINOR.PATCH, trying each candidate.
first_python() {
  local wanted=$1; shift
  local candidate
  for candidate in "$@"; do
    [ -n "$candidate" ] && [ -x "$(command -v "$candidate" 2>/dev/null)" ] || continue
    if "$candidate" -c "import sys; sys.exit(sys.version_info[:3] < tuple(map(int, '$wanted'.split('.'))))" 2>/dev/null; then
      command -v "$candidate"
      return 0
    fi
  done
  return 1
}

# Print the interpreter for HA_TARGET, or explain what is missing and fail.
find_python() {
  local pyenv_root=${PYENV_ROOT:-$HOME/.pyenv}
  if [ "$HA_TARGET" = minimum ]; then
    # HA 2025.4 needs 3.13; pip would pick a newer HA on 3.14, so take 3.13 exactly.
    first_python 3.13.0 python3.13 $(ls -d "$pyenv_root"/versions/3.13.*/bin/python3.13 2>/dev/null | sort -V -r) && return 0
    echo "Python 3.13 not found: install it (e.g. 'pyenv install 3.13') or put python3.13 on PATH." >&2
  else
    first_python 3.14.2 "${PYTHON314:-}" python3.14 && return 0
    echo "Python >= 3.14.2 not found: put python3.14 on PATH or set PYTHON314 to its path" >&2
    echo "(on these machines: export PYTHON314=\$(../shared/tools/python314), as root)." >&2
  fi
  return 1
}
