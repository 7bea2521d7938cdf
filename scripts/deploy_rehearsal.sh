#!/usr/bin/env bash
# docs/deploy.md, set-up 3 (a province), performed on this machine, as root, in a scratch
# directory: every command of the guide's `sh` blocks (tests/deploy/test_deploy_guide.py
# checks that each one is here), the guide's files (settings, units, nginx, pg_hba) taken
# from the guide itself, the services started from its unit files.
#
#   sudo scripts/deploy_rehearsal.sh           # KEEP=1 keeps the scratch directory
#
# What is not the real thing, and why:
# - systemd is not PID 1 here: `systemctl` and `journalctl` below are shell functions that
#   start each unit's ExecStart as its User with its EnvironmentFile and WorkingDirectory
#   (after `systemd-analyze verify` of every unit file), stop it, and read its log.
# - `sudo -u USER` is `runuser -u USER` (sudo is not installed); for postgres it points at
#   the scratch PostgreSQL cluster (initdb'd here: its own port, the guide's pg_hba lines).
# - nginx runs with a main file of this rehearsal that includes the guide's site file.
# - The guide's paths, ports and host names are mapped by the #@map table below; the two
#   host names resolve to 127.0.0.1 by a line added to /etc/hosts (removed at the end).
# - The mail server is aiosmtpd (a Maildir), from the repository's development venv.
# - A real service user `planflow` is created (and deleted at the end).
set -euo pipefail

REPO=$(cd "$(dirname "$0")/.." && pwd)
DOC=$REPO/docs/deploy.md
SELF=$REPO/scripts/deploy_rehearsal.sh
[ "$(id -u)" = 0 ] || { echo "run as root (it creates a user, a PostgreSQL cluster, nginx)" >&2; exit 2; }
! id planflow >/dev/null 2>&1 || { echo "a user 'planflow' exists already: not touching it" >&2; exit 2; }
for tool in runuser openssl curl python3 git; do command -v "$tool" >/dev/null || { echo "missing: $tool" >&2; exit 2; }; done
# A server's PATH (root's own may hold a Python other users cannot run, e.g. pyenv's)
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
for name in $(compgen -e | grep -E '^(PREFECT|PLANFLOW)_' || true); do unset "$name"; done

# REHEARSAL_ROOT=DIR (development only): a scratch directory of an earlier KEEP=1 run whose
# release and venv are reused, to try the later steps without 10 minutes of pip.
if [ -n "${REHEARSAL_ROOT:-}" ]; then
  ROOT=$REHEARSAL_ROOT
  find "$ROOT" -mindepth 1 -maxdepth 1 ! -name build ! -name opt -exec rm -rf {} +
else
  ROOT=$(mktemp -d /tmp/planflow-rehearsal.XXXXXX)
fi
REUSED=$([ -x "$ROOT/opt/planflow/venv/bin/planflow" ] && echo 1 || echo 0)
chmod 0755 "$ROOT"
LOGS=$ROOT/log RUN=$ROOT/run
mkdir -p "$LOGS" "$RUN" "$ROOT/etc/systemd/system" "$ROOT/usr/local/bin" "$ROOT/var/backups" "$ROOT/etc/nginx/sites-available" "$ROOT/etc/nginx/sites-enabled"
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
PGPORT=$(free_port) PREFECT_PORT=$(free_port) WEB_PORT=$(free_port) TLS_PORT=$(free_port) HTTP_PORT=$(free_port) SMTP_PORT=$(free_port)
export ROOT PGPORT PREFECT_PORT WEB_PORT TLS_PORT HTTP_PORT
HOSTS_MARK="# planflow deploy rehearsal $$"
T0=$(date +%s)
step() { printf '\n==> [%4ss] %s\n' "$(( $(date +%s) - T0 ))" "$*"; }
SUMMARY=()
note() { SUMMARY+=("$*"); echo "    $*"; }

# The guide's paths, names and ports → this rehearsal (read by doc_block below and by
# tests/deploy/test_deploy_guide.py; longest first where one contains another).
#@map /etc/systemd/system => $ROOT/etc/systemd/system
#@map /etc/planflow => $ROOT/etc/planflow
#@map /etc/nginx => $ROOT/etc/nginx
#@map /etc/postgresql/15/main => $ROOT/pg/data
#@map /opt/planflow => $ROOT/opt/planflow
#@map /var/lib/planflow => $ROOT/var/lib/planflow
#@map /srv/planflow => $ROOT/srv/planflow
#@map /var/backups/planflow => $ROOT/var/backups/planflow
#@map /usr/local/bin/planflow-env => $ROOT/usr/local/bin/planflow-env
#@map db.tinh.gov.vn:5432 => 127.0.0.1:$PGPORT
#@map 10.0.0.0/24 => 127.0.0.1/32
#@map https://prefect.tinh.gov.vn => https://prefect.tinh.gov.vn:$TLS_PORT
#@map https://planflow.tinh.gov.vn => https://planflow.tinh.gov.vn:$TLS_PORT
#@map 127.0.0.1:4200 => 127.0.0.1:$PREFECT_PORT
#@map --port 4200 => --port $PREFECT_PORT
#@map 127.0.0.1:8000 => 127.0.0.1:$WEB_PORT
#@map --port 8000 => --port $WEB_PORT
#@map listen 443 ssl => listen 127.0.0.1:$TLS_PORT ssl
#@map listen 80; => listen 127.0.0.1:$HTTP_PORT;

doc_block() { # doc_block PATH: the guide's fenced block that names PATH on its first line, mapped
  python3 - "$DOC" "$SELF" "$1" <<'PY'
import os, re, sys
doc, script, path = sys.argv[1:]
maps = [line[6:].rstrip("\n").split(" => ") for line in open(script, encoding="utf-8") if line.startswith("#@map ")]
blocks = re.findall(r"^```[a-z]*\n(.*?)^```", open(doc, encoding="utf-8").read(), re.S | re.M)
def named(block):
    lines = block.splitlines()
    head = lines[1:2] if lines[0].startswith("#!") else lines[:1]
    return head == ["# " + path]
found = [b for b in blocks if named(b)]
if len(found) != 1:
    sys.exit(f"docs/deploy.md: {len(found)} blocks name {path}, expected 1")
text = found[0]
for old, new in maps:
    text = text.replace(old, os.path.expandvars(new))
if text.startswith("# " + path):
    text = text.split("\n", 1)[1]  # the name line is the guide's caption, not the file's
sys.stdout.write(text)
PY
}

# --- Stand-ins for what a container lacks (see the header) -------------------------------
PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
sudo() {
  [ "$1" = -u ] || { echo "sudo: only 'sudo -u USER' in this rehearsal" >&2; return 2; }
  local user=$2
  shift 2
  if [ "$user" = postgres ]; then
    runuser -u postgres -- env PGHOST="$ROOT/pg/run" PGPORT="$PGPORT" PATH="$PGBIN:$PATH" "$@"
  else
    runuser -u "$user" -- "$@"
  fi
}
NGINX_CONF=$ROOT/etc/nginx/nginx.conf
nginx() { command nginx -e "$LOGS/nginx-error.log" -c "$NGINX_CONF" "$@"; }
unit_file() { # NAME (foo or foo@1) → its unit file
  local name=${1%.service}
  if [[ $name == *@* ]]; then echo "$ROOT/etc/systemd/system/${name%%@*}@.service"; else echo "$ROOT/etc/systemd/system/$name.service"; fi
}
unit_start() {
  local name=${1%.service} file inst="" user wd exec envfiles envs
  file=$(unit_file "$name")
  [[ $name == *@* ]] && inst=${name#*@}
  user=$(sed -n 's/^User=//p' "$file")
  wd=$(sed -n 's/^WorkingDirectory=//p' "$file")
  exec=$(sed -n 's/^ExecStart=//p' "$file")
  exec=${exec//%i/$inst}
  exec=${exec//%H/$(hostname)}
  envfiles=$(sed -n 's/^EnvironmentFile=//p' "$file" | tr '\n' ' ')
  envs=$(sed -n 's/^Environment=//p' "$file" | sed 's/^/export /' | tr '\n' ';')
  echo "    start $name: $exec (as ${user:-root}, env from $envfiles)"
  setsid runuser -u "${user:-root}" -- sh -c "set -a; for f in $envfiles; do . \"\$f\"; done; set +a; $envs cd '${wd:-/}' && exec $exec" \
    >>"$LOGS/$name.log" 2>&1 </dev/null &
  echo $! >"$RUN/$name.pid"
}
unit_stop() {
  local pidfile=$RUN/${1%.service}.pid pid
  [ -f "$pidfile" ] || return 0
  pid=$(cat "$pidfile")
  kill -TERM -- "-$pid" 2>/dev/null || true
  for _ in $(seq 1 120); do kill -0 -- "-$pid" 2>/dev/null || break; sleep 0.5; done
  kill -KILL -- "-$pid" 2>/dev/null || true
  rm -f "$pidfile"
  echo "    stopped ${1%.service}"
}
systemctl() {
  local verb=$1
  shift
  case $verb in
    daemon-reload)
      local f
      for f in "$ROOT"/etc/systemd/system/*.service; do
        case $f in *@.service) f=${f%@.service}@1.service ;; esac
        systemd-analyze verify "$f"
      done
      echo "    systemd-analyze verify: every unit file passes" ;;
    enable) [ "$1" = --now ] && shift && for u in "$@"; do unit_start "$u"; done ;;
    start) for u in "$@"; do unit_start "$u"; done ;;
    stop)
      local u p
      for u in "$@"; do for p in "$RUN"/$u.pid; do [ -e "$p" ] && unit_stop "$(basename "$p" .pid)"; done; done ;;
    reload)
      case $1 in
        nginx) if [ -s "$RUN/nginx.pid" ]; then nginx -s reload; else nginx; fi ;;
        postgresql) runuser -u postgres -- "$PGBIN/pg_ctl" -D "$ROOT/pg/data" reload >/dev/null ;;
      esac ;;
    *) echo "systemctl $verb: not in this rehearsal" >&2; return 2 ;;
  esac
}
journalctl() { # journalctl -u NAME -n N
  tail -n "$4" "$LOGS/$2.log"
}

cleanup() {
  set +e
  step "cleanup"
  for p in "$RUN"/*.pid; do [ -e "$p" ] && [ "$(basename "$p")" != nginx.pid ] && unit_stop "$(basename "$p" .pid)"; done
  [ -s "$RUN/nginx.pid" ] && nginx -s quit
  [ -n "${SMTP_PID:-}" ] && kill "$SMTP_PID" 2>/dev/null
  [ -d "$ROOT/pg/data" ] && runuser -u postgres -- "$PGBIN/pg_ctl" -D "$ROOT/pg/data" -m fast stop >/dev/null
  for _ in 1 2 3 4 5 6 7 8 9 10; do id planflow >/dev/null 2>&1 || break; userdel planflow 2>/dev/null || sleep 2; done
  if grep -qF "$HOSTS_MARK" /etc/hosts; then
    grep -vF "$HOSTS_MARK" /etc/hosts >"$ROOT/hosts" && cat "$ROOT/hosts" >/etc/hosts
  fi
  if [ "${KEEP:-0}" = 1 ]; then echo "kept $ROOT"; else rm -rf "$ROOT"; fi
}
trap cleanup EXIT
trap 'exit 143' TERM INT
echo "127.0.0.1 prefect.tinh.gov.vn planflow.tinh.gov.vn $HOSTS_MARK" >>/etc/hosts
echo "scratch: $ROOT  ports: pg $PGPORT, prefect $PREFECT_PORT, web $WEB_PORT, tls $TLS_PORT, http $HTTP_PORT, smtp $SMTP_PORT"

# --- 3.1 Build the release ---------------------------------------------------------------
step "3.1 build the release (0.1.0 from HEAD, and 0.1.1 for the upgrade) with the checkout's venv"
build_release() { # build_release DIR VERSION
  git clone --quiet --shared "$REPO" "$1"
  git -C "$1" checkout --quiet --detach "$(git -C "$REPO" rev-parse HEAD)"
  ln -s "$REPO/.venv" "$1/.venv"
  # The guide's example releases are 0.1.0 and 0.1.1, whatever version the checkout carries.
  sed -i "s/^version = \".*\"/version = \"$2\"/" "$1/pyproject.toml"
  if ! git -C "$1" diff --quiet; then
    git -C "$1" -c user.name=rehearsal -c user.email=rehearsal@localhost commit --quiet -am "release $2"
  fi
}
if [ "$REUSED" = 1 ]; then
  note "DEVELOPMENT RUN: release and venv reused from an earlier run (3.1 and the venv of 3.2 not run)"
else
build_release "$ROOT/build/planflow" 0.1.0
(
  cd "$ROOT/build/planflow"
  .venv/bin/python -m build --no-isolation --outdir dist >"$LOGS/build.log" 2>&1
  git archive --prefix=planflow-0.1.0/ -o dist/planflow-0.1.0-deploy.tar.gz HEAD prefect.yaml automations.yaml flows
)
build_release "$ROOT/build/planflow-0.1.1" 0.1.1
(
  cd "$ROOT/build/planflow-0.1.1"
  .venv/bin/python -m build --no-isolation --outdir dist >>"$LOGS/build.log" 2>&1
  git archive --prefix=planflow-0.1.1/ -o dist/planflow-0.1.1-deploy.tar.gz HEAD prefect.yaml automations.yaml flows
)
mkdir -p "$ROOT/opt/planflow/dist"
cp "$ROOT"/build/planflow/dist/*0.1.0* "$ROOT"/build/planflow-0.1.1/dist/*0.1.1* "$ROOT/opt/planflow/dist/"
fi
note "built: $(cd "$ROOT/opt/planflow/dist" && ls | tr '\n' ' ')"

# --- 3.2 Install -------------------------------------------------------------------------
step "3.2 install: service user, fresh venv with the wheel (dependencies from the index), deployment files"
apt-get install -y python3-venv >"$LOGS/apt.log" 2>&1
useradd --system --home-dir $ROOT/var/lib/planflow --shell /usr/sbin/nologin planflow
install -d -m 0755 $ROOT/opt/planflow
if [ "$REUSED" = 0 ]; then
python3 -m venv $ROOT/opt/planflow/venv
$ROOT/opt/planflow/venv/bin/pip install $ROOT/opt/planflow/dist/planflow-0.1.0-py3-none-any.whl >"$LOGS/pip.log" 2>&1
fi
tar -xzf $ROOT/opt/planflow/dist/planflow-0.1.0-deploy.tar.gz -C $ROOT/opt/planflow
ln -sfn $ROOT/opt/planflow/planflow-0.1.0 $ROOT/opt/planflow/current
install -d -m 0750 -o planflow -g planflow $ROOT/var/lib/planflow $ROOT/var/lib/planflow/outbox $ROOT/var/lib/planflow/evidence $ROOT/var/lib/planflow/tmp $ROOT/srv/planflow
install -d -m 0750 -o root -g planflow $ROOT/etc/planflow
install -m 0755 /dev/null $ROOT/usr/local/bin/planflow-env
doc_block /usr/local/bin/planflow-env >$ROOT/usr/local/bin/planflow-env
note "venv: $($ROOT/opt/planflow/venv/bin/pip show planflow | sed -n 's/^Version: /planflow /p'), $($ROOT/opt/planflow/venv/bin/prefect --version | sed 's/^/prefect /')"

# --- 3.3 PostgreSQL ----------------------------------------------------------------------
step "3.3 PostgreSQL: a scratch cluster (peer for local, TCP refused until the guide's pg_hba lines)"
apt-get install -y postgresql >>"$LOGS/apt.log" 2>&1
install -d -o postgres -g postgres "$ROOT/pg" "$ROOT/pg/run"
runuser -u postgres -- "$PGBIN/initdb" -D "$ROOT/pg/data" -U postgres --auth-local=peer --auth-host=reject >"$LOGS/initdb.log"
printf "port = %s\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '%s'\n" "$PGPORT" "$ROOT/pg/run" >>"$ROOT/pg/data/postgresql.conf"
runuser -u postgres -- "$PGBIN/pg_ctl" -D "$ROOT/pg/data" -l "$ROOT/pg/postgresql.log" -w start >/dev/null
PLANFLOW_DB_PASSWORD=$(openssl rand -hex 24)
PREFECT_DB_PASSWORD=$(openssl rand -hex 24)
sudo -u postgres psql -v ON_ERROR_STOP=1 -c "CREATE ROLE planflow LOGIN PASSWORD '$PLANFLOW_DB_PASSWORD'"
sudo -u postgres psql -v ON_ERROR_STOP=1 -c "CREATE ROLE prefect LOGIN PASSWORD '$PREFECT_DB_PASSWORD'"
sudo -u postgres psql -v ON_ERROR_STOP=1 -c "CREATE DATABASE planflow OWNER planflow"
sudo -u postgres psql -v ON_ERROR_STOP=1 -c "CREATE DATABASE prefect OWNER prefect"
tcp_login() { PGPASSWORD=$2 "$PGBIN/psql" -h 127.0.0.1 -p "$PGPORT" -U "$1" -d "$1" -Atc 'select current_user' 2>&1; }
before=$(tcp_login planflow "$PLANFLOW_DB_PASSWORD" || true)
{ doc_block /etc/postgresql/15/main/pg_hba.conf; cat "$ROOT/pg/data/pg_hba.conf"; } >"$ROOT/pg/hba.new"
install -m 0600 -o postgres -g postgres "$ROOT/pg/hba.new" "$ROOT/pg/data/pg_hba.conf"
systemctl reload postgresql
sleep 1
[ "$(tcp_login planflow "$PLANFLOW_DB_PASSWORD")" = planflow ] && [ "$(tcp_login prefect "$PREFECT_DB_PASSWORD")" = prefect ]
wrong=$(tcp_login planflow wrong-password || true)
cross=$(PGPASSWORD=$PREFECT_DB_PASSWORD "$PGBIN/psql" -h 127.0.0.1 -p "$PGPORT" -U prefect -d planflow -Atc 'select 1' 2>&1 || true)
case "$before $wrong $cross" in *"password authentication failed"*) ;; *) echo "pg_hba not as expected: $before / $wrong / $cross" >&2; exit 1 ;; esac
note "pg_hba: TCP refused before the guide's lines ($(echo "$before" | grep -o 'rejects connection' | head -1)), then planflow and prefect log in by password; a wrong password and prefect→planflow are refused"

# --- 3.4 Settings and secrets --------------------------------------------------------------
step "3.4 settings files (0600, owner planflow) from the guide, secrets generated"
PREFECT_ADMIN_PASSWORD=$(openssl rand -hex 24)
PLANFLOW_SECRET=$(openssl rand -hex 32)
PLANFLOW_BOARD_PASSWORD=$(openssl rand -hex 12)
install -m 0600 -o planflow -g planflow /dev/null $ROOT/etc/planflow/planflow.env
install -m 0600 -o planflow -g planflow /dev/null $ROOT/etc/planflow/prefect-server.env
fill() { sed -e "s/<planflow-db-password>/$PLANFLOW_DB_PASSWORD/" -e "s/<prefect-db-password>/$PREFECT_DB_PASSWORD/" \
  -e "s/<prefect-admin-password>/$PREFECT_ADMIN_PASSWORD/" -e "s/<planflow-secret>/$PLANFLOW_SECRET/" \
  -e "s/<board-password>/$PLANFLOW_BOARD_PASSWORD/" -e "s/<smtp-password>/unused/"; }
doc_block /etc/planflow/planflow.env | fill >$ROOT/etc/planflow/planflow.env
doc_block /etc/planflow/prefect-server.env | fill >$ROOT/etc/planflow/prefect-server.env
cat >>$ROOT/etc/planflow/planflow.env <<EOF
# rehearsal only: the local mail server instead of mail.tinh.gov.vn; workers poll every 2 s
PLANFLOW_SMTP_URL=smtp://127.0.0.1:$SMTP_PORT
PREFECT_WORKER_QUERY_SECONDS=2
EOF
! grep -n '<' $ROOT/etc/planflow/prefect-server.env
note "settings: $(stat -c '%n %a %U' $ROOT/etc/planflow/*.env | sed "s|$ROOT||g" | paste -sd ';' | sed 's/;/; /g')"

"$REPO/.venv/bin/python" -m aiosmtpd -n -l "127.0.0.1:$SMTP_PORT" -c aiosmtpd.handlers.Mailbox "$ROOT/mailbox" >"$LOGS/smtp.log" 2>&1 &
SMTP_PID=$!

# --- 3.5 The store: schema, communes, plans ------------------------------------------------
step "3.5 the store: migrate; three communes from one spreadsheet; a real plan imported, reviewed, synced"
install -m 0644 "$REPO/docs/onboarding/don-vi-tinh-dong-xanh.csv" $ROOT/srv/planflow/don-vi.csv
install -m 0644 "$REPO/tests/importer/seeds/000_088173a80a5e89d2.txt" $ROOT/srv/planflow/ke-hoach-cds-2025.txt
install -m 0644 "$REPO/tests/importer/seeds/001_0b09a38e6b415579.txt" $ROOT/srv/planflow/ke-hoach-tan-hoa-2025.txt
sudo -u planflow $ROOT/usr/local/bin/planflow-env planflow migrate
sudo -u planflow $ROOT/usr/local/bin/planflow-env planflow units template -o $ROOT/srv/planflow/mau-don-vi.xlsx
sudo -u planflow $ROOT/usr/local/bin/planflow-env planflow units import $ROOT/srv/planflow/don-vi.csv --dry-run
sudo -u planflow $ROOT/usr/local/bin/planflow-env planflow units import $ROOT/srv/planflow/don-vi.csv
note "communes: $(cd $ROOT/srv/planflow/definitions/units && ls | tr '\n' ' ')from one sheet"
sudo -u planflow $ROOT/usr/local/bin/planflow-env planflow import $ROOT/srv/planflow/ke-hoach-cds-2025.txt --units $ROOT/srv/planflow/definitions/units/an-phu.yaml -o $ROOT/srv/planflow/definitions/plans/an-phu-cds-2025.yaml
# A second commune's plan (another seed), so that the check has two chunks for two workers.
sudo -u planflow $ROOT/usr/local/bin/planflow-env planflow import $ROOT/srv/planflow/ke-hoach-tan-hoa-2025.txt --units $ROOT/srv/planflow/definitions/units/tan-hoa.yaml -o $ROOT/srv/planflow/definitions/plans/tan-hoa-cds-2025.yaml
if sudo -u planflow $ROOT/usr/local/bin/planflow-env planflow validate --strict >"$LOGS/review-before.txt" 2>&1; then
  echo "validate --strict passed before any review: the drafts should carry review marks" >&2; exit 1
fi
note "review: validate --strict lists $(grep -c ':[0-9]*:[0-9]*: ' "$LOGS/review-before.txt") points before the review"
sudo -u planflow $ROOT/usr/local/bin/planflow-env planflow sync >"$LOGS/sync-refused.txt" 2>&1 && { echo "PLANFLOW_STRICT let an unreviewed draft in" >&2; exit 1; }
note "review: with PLANFLOW_STRICT=true, sync refuses the unreviewed drafts (exit 1)"
# The reviewer's work, as a person would do it: settle each mark and delete it, give the
# signer an address, and the units the import added their e-mail addresses through the sheet.
sudo -u planflow $ROOT/opt/planflow/venv/bin/python - "$ROOT/srv/planflow" "$LOGS/review-before.txt" <<'PY'
import csv, re, sys
from pathlib import Path
import yaml
root = Path(sys.argv[1])
defs = root / "definitions"
# A task led by a group that names no members: the reviewer gives it to the plan's standing unit.
group_leads = {}
for found in re.finditer(r"^(\S+\.yaml):(\d+):\d+: tasks\[\d+\]\.lead: ", Path(sys.argv[2]).read_text(encoding="utf-8"), re.M):
    group_leads.setdefault(found[1], set()).add(int(found[2]))
for path in sorted((defs / "plans").glob("*.yaml")) + sorted((defs / "units").glob("*.yaml")):
    out, dropping = [], None
    lines = path.read_text(encoding="utf-8").splitlines()
    standing = next((l.split(":", 1)[1].strip() for l in lines if l.startswith("standing_unit:")), None)
    for number in group_leads.get(str(path), ()):
        lines[number - 1] = re.sub(r"lead: .*", f"lead: [{standing}]", lines[number - 1])
    for line in lines:
        stripped = line.lstrip()
        indent = len(line) - len(stripped)
        if stripped.startswith("# KIỂM TRA"):
            dropping = indent
            continue
        if dropping is not None and stripped.startswith("#") and indent == dropping:
            continue  # the mark's second line
        dropping = None
        out.append(re.sub(r"^(\s*)# email: .*", r"\1email: lanhdao@tinh.example", line))
    path.write_text("\n".join(out) + "\n", encoding="utf-8")
rows = []
for path in sorted((defs / "units").glob("*.yaml")):
    directory = yaml.safe_load(path.read_text(encoding="utf-8"))
    commune = directory.get("name") or path.stem
    for unit in directory["units"]:
        if not unit.get("emails"):
            rows.append({"Xã": commune, "Mã xã": path.stem, "Mã đơn vị": unit["id"], "Tên đơn vị": unit["name"],
                         "E-mail": f"{unit['id']}@{path.stem}.example"})
with open(root / "don-vi-bo-sung.csv", "w", encoding="utf-8", newline="") as f:
    writer = csv.DictWriter(f, fieldnames=["Xã", "Mã xã", "Mã đơn vị", "Tên đơn vị", "E-mail"])
    writer.writeheader()
    writer.writerows(rows)
print(f"review: marks settled, {sum(map(len, group_leads.values()))} group leads given to the standing unit, "
      f"{len(rows)} units given an address in don-vi-bo-sung.csv")
PY
sudo -u planflow $ROOT/usr/local/bin/planflow-env planflow units import $ROOT/srv/planflow/don-vi-bo-sung.csv
sudo -u planflow $ROOT/usr/local/bin/planflow-env planflow validate --strict
sudo -u planflow $ROOT/usr/local/bin/planflow-env planflow sync
sudo -u planflow $ROOT/usr/local/bin/planflow-env planflow status --as-of 2025-10-20
note "review: validate --strict passes after it; sync stored $(cd $ROOT/srv/planflow/definitions/plans && ls | tr '\n' ' ')"

# --- 3.6 The Prefect server ------------------------------------------------------------------
step "3.6 the Prefect server on its own PostgreSQL database, 127.0.0.1 only, with its password"
doc_block /etc/systemd/system/prefect-server.service >$ROOT/etc/systemd/system/prefect-server.service
doc_block /etc/systemd/system/planflow.service >$ROOT/etc/systemd/system/planflow.service
systemctl daemon-reload
systemctl enable --now prefect-server
for _ in $(seq 1 180); do
  curl -fsS -u "admin:$PREFECT_ADMIN_PASSWORD" "http://127.0.0.1:$PREFECT_PORT/api/health" >/dev/null 2>&1 && break
  sleep 1
done
curl -fsS -u "admin:$PREFECT_ADMIN_PASSWORD" "http://127.0.0.1:$PREFECT_PORT/api/health" >/dev/null
direct=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PREFECT_PORT/api/admin/version")
with=$(curl -s -o /dev/null -w '%{http_code}' -u "admin:$PREFECT_ADMIN_PASSWORD" "http://127.0.0.1:$PREFECT_PORT/api/admin/version")
[ "$direct" = 401 ] && [ "$with" = 200 ]
! grep -q "UI will not be available" "$LOGS/prefect-server.log"
note "prefect server: healthy on 127.0.0.1:$PREFECT_PORT; its API answers $direct without its password, $with with it; UI files written"

# --- 3.7 nginx -------------------------------------------------------------------------------
step "3.7 nginx: self-signed TLS, basic auth for the Prefect UI/API, planflow web behind it"
apt-get install -y nginx >>"$LOGS/apt.log" 2>&1
install -d -m 0755 $ROOT/etc/nginx/tls
openssl req -x509 -newkey rsa:2048 -nodes -days 825 -subj /CN=prefect.tinh.gov.vn -addext subjectAltName=DNS:prefect.tinh.gov.vn,DNS:planflow.tinh.gov.vn -keyout $ROOT/etc/nginx/tls/planflow.key -out $ROOT/etc/nginx/tls/planflow.pem 2>/dev/null
chmod 0600 $ROOT/etc/nginx/tls/planflow.key
install -m 0644 $ROOT/etc/nginx/tls/planflow.pem $ROOT/etc/planflow/proxy-ca.pem
printf 'admin:%s\n' "$(openssl passwd -apr1 "$PREFECT_ADMIN_PASSWORD")" > $ROOT/etc/nginx/planflow-prefect.htpasswd
chown root:www-data $ROOT/etc/nginx/planflow-prefect.htpasswd
chmod 0640 $ROOT/etc/nginx/planflow-prefect.htpasswd
doc_block /etc/nginx/sites-available/planflow >$ROOT/etc/nginx/sites-available/planflow
install -d -o www-data "$ROOT/nginx-tmp"
cat >"$NGINX_CONF" <<EOF
# the rehearsal's stand-in for Debian's /etc/nginx/nginx.conf: it includes sites-enabled/*
user www-data;
worker_processes 1;
pid $RUN/nginx.pid;
events { worker_connections 256; }
http {
    include /etc/nginx/mime.types;
    access_log $LOGS/nginx-access.log;
    client_body_temp_path $ROOT/nginx-tmp/body;
    proxy_temp_path $ROOT/nginx-tmp/proxy;
    fastcgi_temp_path $ROOT/nginx-tmp/fastcgi;
    uwsgi_temp_path $ROOT/nginx-tmp/uwsgi;
    scgi_temp_path $ROOT/nginx-tmp/scgi;
    include $ROOT/etc/nginx/sites-enabled/*;
}
EOF
ln -sfn $ROOT/etc/nginx/sites-available/planflow $ROOT/etc/nginx/sites-enabled/planflow
nginx -t
systemctl reload nginx
sleep 1
curl -fsS -u "admin:$PREFECT_ADMIN_PASSWORD" --cacert $ROOT/etc/planflow/proxy-ca.pem https://prefect.tinh.gov.vn:$TLS_PORT/api/health
echo
anonymous=$(curl -s -o /dev/null -w '%{http_code}' --cacert "$ROOT/etc/planflow/proxy-ca.pem" "https://prefect.tinh.gov.vn:$TLS_PORT/api/health")
wrongpw=$(curl -s -o /dev/null -w '%{http_code}' -u admin:wrong --cacert "$ROOT/etc/planflow/proxy-ca.pem" "https://prefect.tinh.gov.vn:$TLS_PORT/api/health")
ui=$(curl -s -o /dev/null -w '%{http_code}' -u "admin:$PREFECT_ADMIN_PASSWORD" --cacert "$ROOT/etc/planflow/proxy-ca.pem" "https://prefect.tinh.gov.vn:$TLS_PORT/")
plain=$(curl -s -o /dev/null -w '%{http_code}' "http://prefect.tinh.gov.vn:$HTTP_PORT/")
[ "$anonymous" = 401 ] && [ "$wrongpw" = 401 ] && [ "$plain" = 301 ]
note "nginx: /api/health through TLS with the password: true; without it $anonymous, wrong password $wrongpw, the UI page $ui, plain http $plain (redirect)"
# The websockets nginx lets through without its password: Prefect refuses a wrong one itself.
ws=$(SSL_CERT_FILE=$ROOT/etc/planflow/proxy-ca.pem $ROOT/opt/planflow/venv/bin/python - "$TLS_PORT" "$PREFECT_ADMIN_PASSWORD" <<'PY'
import asyncio, json, ssl, sys
from websockets.asyncio.client import connect
async def attempt(token):
    url = f"wss://prefect.tinh.gov.vn:{sys.argv[1]}/api/events/out"
    async with connect(url, subprotocols=["prefect"], ssl=ssl.create_default_context()) as ws:
        await ws.send(json.dumps({"type": "auth", "token": token}))
        try:
            return json.loads(await ws.recv()).get("type")
        except Exception as exc:
            return type(exc).__name__
async def main():
    print(await attempt("admin:wrong"), await attempt(f"admin:{sys.argv[2]}"))
asyncio.run(main())
PY
)
[ "$ws" = "ConnectionClosedError auth_success" ]
note "websocket /api/events/out through nginx: a wrong password closed by Prefect ($(cut -d' ' -f1 <<<"$ws")), the right one accepted ($(cut -d' ' -f2 <<<"$ws"))"
ss -ltn
open=$(ss -ltnH | awk '{print $4}' | grep -E ":($PREFECT_PORT|$WEB_PORT|$TLS_PORT|$HTTP_PORT|$PGPORT)\$" | grep -v '^127\.0\.0\.1:' || true)
[ -z "$open" ] || { echo "listening beyond loopback: $open" >&2; exit 1; }
note "listening: Prefect, web, PostgreSQL and nginx on 127.0.0.1 only (a real server puts nginx on its network address)"

# --- 3.8 Work pool, deployments, automations --------------------------------------------------
step "3.8 the work pool, prefect deploy --all, the automations (through nginx, with the password)"
cd $ROOT/opt/planflow/current
sudo -u planflow $ROOT/usr/local/bin/planflow-env prefect work-pool create planflow --type process
sudo -u planflow $ROOT/usr/local/bin/planflow-env prefect --no-prompt deploy --all >"$LOGS/deploy.log" 2>&1 || { cat "$LOGS/deploy.log"; exit 1; }
sudo -u planflow $ROOT/usr/local/bin/planflow-env prefect automation create --from-file automations.yaml
note "deployments: $(grep -c 'Deployment .* successfully created' "$LOGS/deploy.log" || true) created by prefect deploy --all"

# --- 3.9 Two workers, 3.11 planflow web --------------------------------------------------------
step "3.9 two workers (prefect-worker@1, @2) and 3.11 planflow web, from the guide's unit files"
doc_block /etc/systemd/system/prefect-worker@.service >$ROOT/etc/systemd/system/prefect-worker@.service
doc_block /etc/systemd/system/planflow-web.service >$ROOT/etc/systemd/system/planflow-web.service
systemctl daemon-reload
systemctl enable --now prefect-worker@1
systemctl enable --now prefect-worker@2
systemctl enable --now planflow-web
for _ in $(seq 1 60); do
  code=$(curl -s -o /dev/null -w '%{http_code}' --cacert "$ROOT/etc/planflow/proxy-ca.pem" "https://planflow.tinh.gov.vn:$TLS_PORT/" || true)
  [ "$code" != 502 ] && [ "$code" != 000 ] && break
  sleep 1
done
curl -fsS -o /dev/null -w '%{http_code}\n' --cacert $ROOT/etc/planflow/proxy-ca.pem https://planflow.tinh.gov.vn:$TLS_PORT/
note "planflow web through nginx: HTTP $code"
prefect_api() { # a Python snippet run with the workers' settings, as planflow
  sudo -u planflow $ROOT/usr/local/bin/planflow-env python -c "$1"
}
for _ in $(seq 1 60); do
  online=$(prefect_api '
from prefect.client.orchestration import get_client
with get_client(sync_client=True) as c:
    print(" ".join(sorted(w.name for w in c.read_workers_for_work_pool("planflow") if w.status.value == "ONLINE")))' 2>/dev/null || true)
  [ "$(wc -w <<<"$online")" = 2 ] && break
  sleep 2
done
[ "$(wc -w <<<"$online")" = 2 ] || { echo "two workers are not online: '$online'" >&2; journalctl -u prefect-worker@1 -n 30; exit 1; }
note "workers online in pool planflow (through nginx): $online"

# --- 3.12 The first check ---------------------------------------------------------------------
step "3.12 the daily check, run by the deployment on the two workers, store on PostgreSQL"
sudo -u planflow $ROOT/usr/local/bin/planflow-env prefect deployment run check_plans/check-plans --param 'params={"as_of": "2025-10-20", "chunk_plans": 1}' --watch >"$LOGS/check-run.log" 2>&1 || { cat "$LOGS/check-run.log"; journalctl -u prefect-worker@1 -n 40; exit 1; }
run_id=$(grep -oE 'UUID: [0-9a-f-]{36}' "$LOGS/check-run.log" | head -1 | cut -d' ' -f2)
runs=$(prefect_api "
from uuid import UUID
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterParentFlowRunId
with get_client(sync_client=True) as c:
    parent = c.read_flow_run(UUID('$run_id'))
    kids = c.read_flow_runs(flow_run_filter=FlowRunFilter(parent_flow_run_id=FlowRunFilterParentFlowRunId(any_=[parent.id])))
    print(parent.state.name, len(kids), ' '.join(sorted(k.state.name for k in kids)), ' '.join(str(k.id) for k in kids))")
read -r parent_state n_chunks chunk_states <<<"$(cut -d' ' -f1-3 <<<"$runs")"
[ "$parent_state" = Completed ] && [ "$n_chunks" -ge 2 ]
by_worker=""
for w in 1 2; do by_worker+="worker@$w: $(grep -c 'submitting flow run' "$LOGS/prefect-worker@$w.log" || true) run(s); "; done
note "check-plans run $run_id: $parent_state, $n_chunks chunk runs ($(cut -d' ' -f3- <<<"$runs" | awk '{print $1, $2}')); $by_worker"
# The documented one-off forms (the top of the guide): one JSON value for params; as_of alone is refused.
sudo -u planflow $ROOT/usr/local/bin/planflow-env prefect deployment run check_plans/check-plans --param 'params={"as_of": "2026-06-30", "dry_run": true}' --watch >>"$LOGS/check-run.log" 2>&1
sudo -u planflow $ROOT/usr/local/bin/planflow-env prefect deployment run assemble_reports/assemble-reports --params '{"params": {"plans": ["an-phu-cds-2025"]}}' --watch >>"$LOGS/check-run.log" 2>&1
if sudo -u planflow $ROOT/usr/local/bin/planflow-env prefect deployment run check_plans/check-plans --param as_of=2026-06-30 >"$LOGS/refused.log" 2>&1; then
  echo "--param as_of=… was accepted" >&2; exit 1
fi
note "--param 'params={…}' (dry run) and --params '{\"params\": …}' (assemble-reports) completed; --param as_of=… refused"
sudo -u planflow $ROOT/usr/local/bin/planflow-env planflow outbox
sudo -u planflow $ROOT/usr/local/bin/planflow-env planflow outbox --failed
sudo -u planflow $ROOT/usr/local/bin/planflow-env planflow outbox --retry
failed=$(sudo -u planflow $ROOT/usr/local/bin/planflow-env planflow outbox --failed --json)
[ "$failed" = "[]" ] || { echo "messages failed: $failed" >&2; exit 1; }
mails=$(find "$ROOT/mailbox" -type f -path '*/new/*' | wc -l)
[ "$mails" -gt 0 ]
emls=$(find $ROOT/var/lib/planflow/outbox -name '*.eml' | wc -l)
note "mail: $mails messages reached the SMTP server from the workers; $emls .eml files left on the workers; planflow outbox: nothing waiting"
figures() { # figures DATABASE_URL_OVERRIDE…: the status counts and the store's notice/outbox totals, as JSON
  sudo -u planflow $ROOT/usr/local/bin/planflow-env "$@" planflow status --as-of 2025-10-20 --no-sync --json |
    python3 -c 'import json, sys; print(json.dumps({p["plan"]: p["summary"] for p in json.load(sys.stdin)["plans"]}, sort_keys=True))'
}
live=$(figures env)
note "figures (planflow status --as-of 2025-10-20): $live"

# --- Monitoring ---------------------------------------------------------------------------------
step "monitoring: the services' logs, planflow -v"
journalctl -u prefect-server -n 50 >/dev/null
journalctl -u prefect-worker@1 -n 50
journalctl -u planflow-web -n 50
sudo -u planflow $ROOT/usr/local/bin/planflow-env planflow -v status --as-of 2025-10-20 2>"$LOGS/verbose.log" >/dev/null
note "planflow -v: $(grep -c 'planflow' "$LOGS/verbose.log") log lines on stderr (e.g. $(head -1 "$LOGS/verbose.log" | cut -c1-90))"

# --- Backing up and restoring ---------------------------------------------------------------------
step "backup: pg_dump of both databases, the files; restore into a fresh database and read it"
install -d -m 0750 -o postgres -g postgres $ROOT/var/backups/planflow
sudo -u postgres pg_dump -Fc -f $ROOT/var/backups/planflow/planflow-$(date +%F).dump planflow
sudo -u postgres pg_dump -Fc -f $ROOT/var/backups/planflow/prefect-$(date +%F).dump prefect
tar -czf $ROOT/var/backups/planflow/files-$(date +%F).tar.gz $ROOT/srv/planflow/definitions $ROOT/var/lib/planflow/evidence $ROOT/var/lib/planflow/outbox 2>/dev/null
note "backups: $(cd $ROOT/var/backups/planflow && ls -s --block-size=K | tail -n +2 | tr -s ' ' | paste -sd ',')"
sudo -u postgres psql -v ON_ERROR_STOP=1 -c "CREATE DATABASE planflow_restore OWNER planflow"
sudo -u postgres pg_restore --no-owner --role=planflow -d planflow_restore $ROOT/var/backups/planflow/planflow-$(date +%F).dump
sudo -u planflow $ROOT/usr/local/bin/planflow-env env PLANFLOW_DATABASE_URL="postgresql+psycopg://planflow:$PLANFLOW_DB_PASSWORD@127.0.0.1:$PGPORT/planflow_restore" planflow status --as-of 2025-10-20 --no-sync
restored=$(figures env PLANFLOW_DATABASE_URL="postgresql+psycopg://planflow:$PLANFLOW_DB_PASSWORD@127.0.0.1:$PGPORT/planflow_restore")
[ "$restored" = "$live" ] || { echo "restored figures differ: $restored vs $live" >&2; exit 1; }
count() { sudo -u postgres psql -Atc "select (select count(*) from notices), (select count(*) from outbox), (select count(*) from progress_events)" "$1"; }
[ "$(count planflow)" = "$(count planflow_restore)" ]
note "restore: planflow_restore reads the same figures ($restored); notices/outbox/progress rows $(count planflow_restore | tr '|' '/') in both"
systemctl stop planflow-web 'prefect-worker@*'
sudo -u postgres psql -v ON_ERROR_STOP=1 -c "ALTER DATABASE planflow RENAME TO planflow_old"
sudo -u postgres psql -v ON_ERROR_STOP=1 -c "ALTER DATABASE planflow_restore RENAME TO planflow"
systemctl start planflow-web prefect-worker@1
systemctl start prefect-worker@2
tar -xzf $ROOT/var/backups/planflow/files-$(date +%F).tar.gz -C /
[ "$(figures env)" = "$live" ]
note "restore put in service (names swapped, services restarted): planflow status reads $(figures env)"

# --- Upgrading and rolling back -------------------------------------------------------------------
step "upgrade to 0.1.1 and roll back to 0.1.0"
sudo -u postgres pg_dump -Fc -f $ROOT/var/backups/planflow/planflow-before-0.1.1.dump planflow
systemctl stop planflow-web 'prefect-worker@*'
$ROOT/opt/planflow/venv/bin/pip install $ROOT/opt/planflow/dist/planflow-0.1.1-py3-none-any.whl >>"$LOGS/pip.log" 2>&1
tar -xzf $ROOT/opt/planflow/dist/planflow-0.1.1-deploy.tar.gz -C $ROOT/opt/planflow
ln -sfn $ROOT/opt/planflow/planflow-0.1.1 $ROOT/opt/planflow/current
cd $ROOT/opt/planflow/current
sudo -u planflow $ROOT/usr/local/bin/planflow-env planflow migrate
sudo -u planflow $ROOT/usr/local/bin/planflow-env prefect --no-prompt deploy --all >>"$LOGS/deploy.log" 2>&1
systemctl start planflow-web prefect-worker@1
systemctl start prefect-worker@2
up=$($ROOT/opt/planflow/venv/bin/pip show planflow | sed -n 's/^Version: //p')
[ "$up" = 0.1.1 ]
systemctl stop planflow-web 'prefect-worker@*'
$ROOT/opt/planflow/venv/bin/pip install $ROOT/opt/planflow/dist/planflow-0.1.0-py3-none-any.whl >>"$LOGS/pip.log" 2>&1
ln -sfn $ROOT/opt/planflow/planflow-0.1.0 $ROOT/opt/planflow/current
cd $ROOT/opt/planflow/current
sudo -u planflow $ROOT/usr/local/bin/planflow-env prefect --no-prompt deploy --all >>"$LOGS/deploy.log" 2>&1
systemctl start planflow-web prefect-worker@1
systemctl start prefect-worker@2
down=$($ROOT/opt/planflow/venv/bin/pip show planflow | sed -n 's/^Version: //p')
[ "$down" = 0.1.0 ]
sudo -u planflow $ROOT/usr/local/bin/planflow-env prefect deployment run check_plans/check-plans --param 'params={"as_of": "2025-10-21", "chunk_plans": 1}' --watch >>"$LOGS/check-run.log" 2>&1
note "upgrade: $up installed, migrated, deployed, restarted; rollback: $down again, redeployed; a check after it completed"

step "summary"
for line in "${SUMMARY[@]}"; do echo "  - $line"; done
echo "  - total: $(( $(date +%s) - T0 )) s"
