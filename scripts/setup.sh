#!/usr/bin/env bash
# Idempotent machine setup, run before `npm start` and `npm test` (prestart/pretest). On a fresh Debian 12
# machine with only Node and npm, as root, it installs the Debian packages Capstan needs, starts the Docker
# engine and a Redis with AOF persistence, installs the npm dependencies and builds the local images. Every
# step first checks cheaply whether it is already done, so a second run does no work and takes about a second.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

state_dir=/var/lib/capstan
log_dir=/var/log
deadline_s=${CAPSTAN_SETUP_TIMEOUT:-90}

log() { printf 'setup: %s\n' "$*"; }
die() {
  printf 'setup: error: %s\n' "$*" >&2
  exit 1
}
need_root() { [[ $(id -u) == 0 ]] || die "$1 needs root: run as root (or do it by hand and run again)"; }
show_log_tail() { if [[ -f $1 ]]; then tail -n 20 "$1" | sed 's/^/  | /' >&2; fi; }

# Runs the given command until it succeeds or the deadline passes.
wait_for() {
  local what=$1 end=$((SECONDS + deadline_s))
  shift
  until "$@" >/dev/null 2>&1; do
    ((SECONDS < end)) || return 1
    sleep 0.2
  done
  log "$what ready"
}

# One setup at a time: `npm start` and `npm test` started together must not both run apt or dockerd.
if [[ $(id -u) == 0 ]] && command -v flock >/dev/null; then
  exec 9>/run/capstan-setup.lock
  flock -w 600 9 || die "another scripts/setup.sh has held /run/capstan-setup.lock for 10 minutes"
fi

# --- Debian packages ------------------------------------------------------------------------------------------
installed() { [[ $(dpkg-query -W -f='${Status}' "$1" 2>/dev/null) == 'install ok installed' ]]; }
missing=()
command -v dockerd >/dev/null && command -v docker >/dev/null || missing+=(docker.io)
command -v redis-server >/dev/null && command -v redis-cli >/dev/null || missing+=(redis-server)
installed busybox-static || missing+=(busybox-static)
# Redis Sentinel for test/redis-sentinel.test.ts and npm run chaos's sentinel-failover, which start their own.
command -v redis-sentinel >/dev/null || missing+=(redis-sentinel)
command -v dig >/dev/null || missing+=(dnsutils)
command -v ip >/dev/null || missing+=(iproute2)
command -v iptables >/dev/null || missing+=(iptables)
# dockerd runs docker-init for containers created with Init; Debian links it to tini's tini-static.
[[ -x $(command -v docker-init || true) ]] || missing+=(tini)
# The dashboard's browser test (test/dashboard.test.ts) drives Debian's Chromium; nothing downloads a browser.
command -v chromium >/dev/null || missing+=(chromium)
# Pod networking: the CNI reference plugins (bridge, host-local, loopback, portmap), called by the node agent.
[[ -x /usr/lib/cni/bridge && -x /usr/lib/cni/host-local ]] || missing+=(containernetworking-plugins)
# A real registry on loopback with htpasswd authentication, for the private-registry tests.
command -v docker-registry >/dev/null || missing+=(docker-registry)
command -v htpasswd >/dev/null || missing+=(apache2-utils)
# The benchmarks (`npm run bench`) measure against real peers: dnsmasq with dnsperf, wrk, redis-benchmark.
if [[ ${CAPSTAN_SETUP_BENCH:-} == 1 ]]; then
  command -v dnsperf >/dev/null || missing+=(dnsperf)
  command -v dnsmasq >/dev/null || missing+=(dnsmasq-base)
  command -v wrk >/dev/null || missing+=(wrk)
fi
if ((${#missing[@]} > 0)); then
  need_root "installing ${missing[*]}"
  apt_log=$log_dir/capstan-setup-apt.log
  log "installing Debian packages: ${missing[*]} (log: $apt_log)"
  export DEBIAN_FRONTEND=noninteractive NEEDRESTART_SUSPEND=1
  if ! { apt-get update -q && apt-get install -y -q "${missing[@]}"; } >"$apt_log" 2>&1; then
    show_log_tail "$apt_log"
    die "apt-get could not install ${missing[*]}"
  fi
fi

# Debian's redis-sentinel package starts a sentinel service of its own on install (watching 127.0.0.1:6379):
# Capstan never uses it (tests start their sentinels on free ports), so it is stopped and kept from starting at boot.
if installed redis-sentinel && [[ $(id -u) == 0 ]]; then
  if command -v systemctl >/dev/null && [[ -d /run/systemd/system ]]; then
    systemctl disable --now redis-sentinel >/dev/null 2>&1 || true
  elif [[ -x /etc/init.d/redis-sentinel ]]; then
    if /etc/init.d/redis-sentinel status >/dev/null 2>&1; then
      log "stopping the redis-sentinel service the package started (Capstan's tests start their own sentinels)"
      /etc/init.d/redis-sentinel stop >/dev/null 2>&1 || true
    fi
    if compgen -G '/etc/rc[2-5].d/S*redis-sentinel' >/dev/null; then
      update-rc.d redis-sentinel disable >/dev/null 2>&1 || true
    fi
  fi
fi

# --- npm dependencies -----------------------------------------------------------------------------------------
# A node_modules that is a symlink (a git worktree sharing another clone's dependencies) belongs to that clone:
# `npm ci` here would empty the folder it points at, so it is never run through the link.
if [[ -L node_modules ]]; then
  linked_lock=$(readlink -f node_modules)/../package-lock.json
  if ! cmp -s package-lock.json "$linked_lock"; then
    log "warning: node_modules links to $(readlink -f node_modules), whose clone has another package-lock.json; not running npm ci through the link"
  fi
elif [[ ! -f node_modules/.package-lock.json || package-lock.json -nt node_modules/.package-lock.json ]]; then
  log 'installing npm dependencies (npm ci)'
  npm ci --no-audit --no-fund --loglevel=error || die 'npm ci failed'
fi

# --- The build bin/capstan.mjs runs, and capstan on the PATH ------------------------------------------------------
# scripts/build.mjs builds dist/current only when a source changed since the last build (a check of file times).
node scripts/build.mjs || die 'building dist/ (node scripts/build.mjs) failed'
# As `npm link` does: a symlink in /usr/local/bin to this clone's bin/capstan.mjs (the clone set up last wins). A
# capstan there that is not a symlink was installed some other way and is left alone.
capstan_link=/usr/local/bin/capstan
capstan_bin=$PWD/bin/capstan.mjs
if [[ $(readlink "$capstan_link" 2>/dev/null) != "$capstan_bin" ]]; then
  if [[ -e $capstan_link && ! -L $capstan_link ]]; then
    log "warning: $capstan_link is not a symlink; leaving it (run this clone's CLI as node bin/capstan.mjs)"
  elif [[ $(id -u) == 0 || -w $(dirname "$capstan_link") ]]; then
    ln -sfn "$capstan_bin" "$capstan_link" && log "capstan on the PATH: $capstan_link -> $capstan_bin"
  else
    log "not root: $capstan_link not made; run this clone's CLI as node bin/capstan.mjs"
  fi
fi

# --- Docker engine --------------------------------------------------------------------------------------------
docker_version=''
docker_ok() {
  docker_version=$(timeout 20 docker version --format '{{.Server.Version}}' 2>/dev/null) && [[ -n $docker_version ]]
}
dockerd_alive() { [[ -f /var/run/docker.pid ]] && kill -0 "$(cat /var/run/docker.pid)" 2>/dev/null; }
if ! docker_ok; then
  if [[ -n ${DOCKER_HOST:-} && $DOCKER_HOST != unix:///var/run/docker.sock ]]; then
    die "the Docker engine at DOCKER_HOST=$DOCKER_HOST is not reachable"
  fi
  if ! dockerd_alive; then
    need_root 'starting dockerd'
    # No systemd on these machines: dockerd runs detached from this shell and outlives it.
    log "starting dockerd (log: $log_dir/dockerd.log)"
    # It must not inherit the lock on fd 9, or the next setup would wait for dockerd to exit.
    setsid nohup dockerd >>"$log_dir/dockerd.log" 2>&1 </dev/null 9>&- &
  fi
  if ! wait_for 'Docker engine' docker_ok; then
    show_log_tail "$log_dir/dockerd.log"
    die "the Docker engine did not answer within ${deadline_s}s (see $log_dir/dockerd.log)"
  fi
fi

# --- Redis ----------------------------------------------------------------------------------------------------
# The Redis setup starts runs as the `redis` user and admits only the ACL user `capstan`, whose password is kept
# (0600, root) in $state_dir/redis.secret (redis-PORT.secret for another port), where the server and the tests
# read it (src/store/redis-url.ts). Without it any local process could write a Token hash and be admin.
redis_url=${REDIS_URL:-redis://127.0.0.1:6379}
url_re='^rediss?://([^@/]*@)?(\[[^]]*\]|[^:/]*)(:([0-9]+))?(/.*)?$'
[[ $redis_url =~ $url_re ]] || die "REDIS_URL=$redis_url is not a redis://host:port URL"
redis_userinfo=${BASH_REMATCH[1]}
redis_host=${BASH_REMATCH[2]:-127.0.0.1}
redis_port=${BASH_REMATCH[4]:-6379}
case $redis_host in
  localhost | 127.* | '[::1]') redis_local=1 ;;
  *) redis_local=0 ;;
esac
if [[ -n ${CAPSTAN_REDIS_SECRET:-} ]]; then
  secret_file=$CAPSTAN_REDIS_SECRET
elif [[ $redis_port == 6379 ]]; then
  secret_file=$state_dir/redis.secret
else
  secret_file=$state_dir/redis-$redis_port.secret
fi
plain_url="redis://$redis_host:$redis_port"
# The URL with the stored credential, as the server builds it when REDIS_URL carries none.
auth_url() {
  if [[ -n $redis_userinfo ]]; then
    printf '%s' "$redis_url"
  elif ((redis_local)) && [[ -s $secret_file ]]; then
    printf 'redis://capstan:%s@%s:%s' "$(<"$secret_file")" "$redis_host" "$redis_port"
  else
    printf '%s' "$redis_url"
  fi
}
rcli() { timeout 10 redis-cli -u "$(auth_url)" "$@" 2>/dev/null; }
redis_ok() { [[ $(rcli ping) == PONG ]]; }
redis_open() { [[ $(timeout 10 redis-cli -u "$plain_url" ping 2>/dev/null) == PONG ]]; }
redis_answers() { [[ -n $(timeout 10 redis-cli -u "$plain_url" ping 2>/dev/null) ]]; }
data_dir=$state_dir/redis
[[ $redis_port == 6379 ]] || data_dir=$state_dir/redis-$redis_port
run_dir=/run/capstan-redis
legacy_pidfile=/run/capstan-redis-$redis_port.pid

start_redis() {
  need_root 'starting redis-server'
  id redis >/dev/null 2>&1 || die "the redis user is missing (it comes with Debian's redis-server package)"
  local bind conf=/etc/capstan/redis-$redis_port.conf logfile=$log_dir/capstan-redis.log
  [[ $redis_port == 6379 ]] || logfile=$log_dir/capstan-redis-$redis_port.log
  case $redis_host in
    127.*) bind=$redis_host ;;
    *) bind='127.0.0.1 -::1' ;;
  esac
  if [[ ! -s $secret_file ]]; then
    log "making a password for the Redis user capstan in $secret_file"
    mkdir -p "$(dirname "$secret_file")"
    (umask 077 && od -An -N32 -tx1 /dev/urandom | tr -d ' \n' >"$secret_file")
  fi
  chmod 600 "$secret_file"
  chown root:root "$secret_file"
  mkdir -p "$data_dir" "$run_dir" /etc/capstan
  chown -R redis:redis "$data_dir" "$run_dir"
  touch "$logfile" && chown redis:redis "$logfile"
  # Only a hash of the password goes into the server's configuration.
  local hash
  hash=$(tr -d '\n' <"$secret_file" | sha256sum | cut -d' ' -f1)
  (umask 077 && cat >"$conf" <<CONF
bind $bind
port $redis_port
protected-mode yes
daemonize yes
dir $data_dir
appendonly yes
appendfsync everysec
save ""
logfile $logfile
pidfile $run_dir/$redis_port.pid
user default off
user capstan on #$hash ~* &* +@all
CONF
  )
  chown redis:redis "$conf"
  log "starting redis-server as user redis on port $redis_port with AOF in $data_dir and a password (log: $logfile)"
  runuser -u redis -- redis-server "$conf" 9>&- || die 'redis-server did not start'
  if ! wait_for 'Redis' redis_ok; then
    show_log_tail "$logfile"
    die "Redis did not answer on port $redis_port with the password of $secret_file within ${deadline_s}s"
  fi
}

if redis_ok && ! { [[ -z $redis_userinfo ]] && ((redis_local)) && redis_open; }; then
  : # answers with its credential (and refuses without one, or is remote)
elif ((redis_local)) && redis_open && [[ -f $legacy_pidfile ]] &&
  [[ $(timeout 10 redis-cli -u "$plain_url" info server 2>/dev/null | tr -d '\r' | sed -n 's/^process_id://p') == "$(<"$legacy_pidfile")" ]]; then
  # A Redis an earlier setup started as root without a password: restarted as the redis user with one. AOF keeps
  # its data across the restart.
  need_root 'restarting redis-server with a password'
  log "restarting the Redis on port $redis_port (started by an earlier setup as root, without a password)"
  timeout 10 redis-cli -u "$plain_url" config set appendonly yes >/dev/null 2>&1 || true
  timeout 30 redis-cli -u "$plain_url" shutdown >/dev/null 2>&1 || true
  wait_for 'old Redis stopped' bash -c "! timeout 2 redis-cli -u $plain_url ping" || die "the old Redis did not stop"
  rm -f "$legacy_pidfile"
  start_redis
elif ((redis_local)) && redis_open; then
  log "warning: the Redis at $plain_url answers without a password and was not started by setup; Capstan uses it" \
    "as it is (any local process can then write the cluster state: see docs/security.md)"
  [[ -z $redis_userinfo ]] && [[ -s $secret_file ]] &&
    die "$secret_file exists but that Redis does not know its user: remove the file or give REDIS_URL"
elif redis_answers; then
  die "Redis at REDIS_URL=$(printf '%s' "$redis_url" | sed -E 's#//([^:@/]*):[^@/]*@#//\1:***@#') refused the credential: put user and password in REDIS_URL, or check $secret_file"
else
  ((redis_local)) || die "Redis at REDIS_URL=$redis_url is not reachable (only a loopback Redis is started here)"
  start_redis
fi
if ((redis_local)); then
  # A Redis that was already running is made to keep the durability promise of the README.
  if [[ $(rcli config get appendonly | tail -n 1) != yes ]]; then
    log 'turning on AOF persistence in the running Redis'
    [[ $(rcli config set appendonly yes) == OK ]] || die 'could not turn on AOF in the running Redis'
  fi
  if [[ $(rcli config get appendfsync | tail -n 1) == no ]]; then
    rcli config set appendfsync everysec >/dev/null || die 'could not set appendfsync everysec'
  fi
  # Setup's own Redis (its credential): no RDB snapshots besides the AOF. Redis restores from the AOF when it is on,
  # so a snapshot adds nothing to durability, and under write load it forked and wrote the whole dataset every
  # minute ("10000 changes in 60 seconds"), a core's worth of CPU for seconds at a time on the control plane's host.
  if [[ -z $redis_userinfo && -s $secret_file ]] && [[ -n $(rcli config get save | tail -n 1) ]]; then
    log 'turning off RDB snapshots in the Redis setup started (the AOF keeps the data)'
    [[ $(rcli config set save '') == OK ]] || die 'could not turn off RDB snapshots'
  fi
fi

# --- Local images ---------------------------------------------------------------------------------------------
bash images/build.sh || die 'building the local images failed'

# --- Opt-in: push Capstan's images to the registry CAPSTAN_IMAGE_REPOSITORY names -------------------------------
# As kubeadm's KUBE_REPO_PREFIX: nodes then take the pause image from <repository>/pause:latest. Log in first
# (`docker login <registry>`) if it asks for credentials; nothing here stores any.
if [[ ${CAPSTAN_PUSH_IMAGES:-} == 1 ]]; then
  repo=${CAPSTAN_IMAGE_REPOSITORY:-}
  [[ -n $repo && $repo != capstan ]] || die 'CAPSTAN_PUSH_IMAGES=1 needs CAPSTAN_IMAGE_REPOSITORY=<registry>/<path>'
  for image in pause hello busybox; do
    docker tag "capstan/$image:latest" "$repo/$image:latest" || die "tagging capstan/$image failed"
    log "pushing $repo/$image:latest"
    timeout 120 docker push "$repo/$image:latest" >/dev/null || die "pushing $repo/$image:latest failed"
  done
fi

log "ready: Docker $docker_version, Redis at $plain_url"
