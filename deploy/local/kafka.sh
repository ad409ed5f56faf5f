#!/usr/bin/env bash
# Local single-node Apache Kafka 4.x broker (KRaft, combined broker + controller) without Docker:
# the broker jars come from Maven Central through mvn (deploy/local/kafka/pom.xml).
#
#   deploy/local/kafka.sh start|stop|status
#
# Broker:     127.0.0.1:${ITP_KAFKA_PORT:-59092}   controller: 127.0.0.1:${ITP_KAFKA_CONTROLLER_PORT:-59093}
#             SASL/SCRAM-SHA-512: 127.0.0.1:${ITP_KAFKA_SASL_PORT:-59094} (user itp, password ${ITP_KAFKA_SCRAM_PASSWORD:-itp-local-scram})
# Files:      ${ITP_INFRA_DIR:-<repo>/.infra}/kafka/{libs,data,server.properties,kafka.log,kafka.pid}
# Version:    ${ITP_KAFKA_VERSION:-4.4.0} (changing it re-resolves the jars into libs/)
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/../.." && pwd)"
INFRA_DIR="${ITP_INFRA_DIR:-$REPO_ROOT/.infra}"
KAFKA_VERSION="${ITP_KAFKA_VERSION:-4.4.0}"
BROKER_PORT="${ITP_KAFKA_PORT:-59092}"
CONTROLLER_PORT="${ITP_KAFKA_CONTROLLER_PORT:-59093}"
SASL_PORT="${ITP_KAFKA_SASL_PORT:-59094}"
SCRAM_PASSWORD="${ITP_KAFKA_SCRAM_PASSWORD:-itp-local-scram}"
HEAP="${ITP_KAFKA_HEAP:-512m}"
READY_TIMEOUT_S="${ITP_KAFKA_READY_TIMEOUT:-90}"
STOP_TIMEOUT_S="${ITP_KAFKA_STOP_TIMEOUT:-60}"

K_ROOT="$INFRA_DIR/kafka"
K_LIBS="$K_ROOT/libs"
K_DATA="$K_ROOT/data"
K_CONF="$K_ROOT/server.properties"
K_LOG="$K_ROOT/kafka.log"
K_PIDFILE="$K_ROOT/kafka.pid"
POM="$SCRIPT_DIR/kafka/pom.xml"
TEMPLATE="$SCRIPT_DIR/kafka/server.properties.template"
LOG4J2="$SCRIPT_DIR/kafka/log4j2.properties"
MAVEN_DEP_PLUGIN="org.apache.maven.plugins:maven-dependency-plugin:3.8.1"

log() { printf '[kafka] %s\n' "$*" >&2; }
die() { printf '[kafka] ERROR: %s\n' "$*" >&2; exit 1; }

apt_install() {
    [[ $EUID -eq 0 ]] || die "missing $*; install it (apt-get install $*) or run as root"
    log "installing $* (apt)"
    export DEBIAN_FRONTEND=noninteractive
    apt-get -o DPkg::Lock::Timeout=600 update -qq >&2
    apt-get -o DPkg::Lock::Timeout=600 install -y -qq "$@" >&2
}

ensure_tools() {
    local missing=()
    command -v kcat >/dev/null 2>&1 || missing+=(kcat)
    command -v java >/dev/null 2>&1 || missing+=(openjdk-17-jre-headless)
    if [[ ! -f "$K_LIBS/.complete-$KAFKA_VERSION" ]] && ! command -v mvn >/dev/null 2>&1; then
        missing+=(maven)
    fi
    if ((${#missing[@]})); then apt_install "${missing[@]}"; fi
}

# Resolve the broker jars once; later starts reuse libs/ (and mvn reuses ~/.m2 if libs/ is gone).
ensure_libs() {
    if [[ -f "$K_LIBS/.complete-$KAFKA_VERSION" ]]; then
        return 0
    fi
    log "resolving org.apache.kafka:kafka_2.13:$KAFKA_VERSION with mvn (cached in ~/.m2)"
    local tmp="$K_ROOT/libs.tmp.$$"
    rm -rf "$tmp"
    mkdir -p "$tmp"
    if ! mvn -B -q -Dstyle.color=never -f "$POM" "$MAVEN_DEP_PLUGIN:copy-dependencies" \
        -Dkafka.version="$KAFKA_VERSION" -DincludeScope=runtime -DoutputDirectory="$tmp" \
        >"$K_ROOT/mvn.log" 2>&1; then
        tail -n 30 "$K_ROOT/mvn.log" >&2 || true
        rm -rf "$tmp"
        die "mvn could not resolve kafka_2.13:$KAFKA_VERSION (set ITP_KAFKA_VERSION to another 4.x)"
    fi
    [[ -f "$tmp/kafka_2.13-$KAFKA_VERSION.jar" ]] || { rm -rf "$tmp"; die "kafka_2.13-$KAFKA_VERSION.jar missing after mvn"; }
    touch "$tmp/.complete-$KAFKA_VERSION"
    rm -rf "$K_LIBS"
    mv "$tmp" "$K_LIBS"
    log "$(find "$K_LIBS" -name '*.jar' | wc -l) jars in $K_LIBS"
}

render_config() {
    render_config_to "$K_CONF.tmp"
    mv "$K_CONF.tmp" "$K_CONF"
}

render_config_to() {
    sed -e "s|@BROKER_PORT@|$BROKER_PORT|g" \
        -e "s|@CONTROLLER_PORT@|$CONTROLLER_PORT|g" \
        -e "s|@SASL_PORT@|$SASL_PORT|g" \
        -e "s|@LOG_DIRS@|$K_DATA|g" \
        "$TEMPLATE" >"$1"
}

# The running broker read $K_CONF at start; a newer template (or other ports) means a restart.
config_changed() {
    [[ -f "$K_CONF" ]] || return 1
    render_config_to "$K_CONF.want"
    if cmp -s "$K_CONF.want" "$K_CONF"; then rm -f "$K_CONF.want"; return 1; fi
    rm -f "$K_CONF.want"
    return 0
}

java_cp() { java -Xmx256m -cp "$K_LIBS/*" -Dlog4j2.configurationFile="$LOG4J2" "$@"; }

ensure_formatted() {
    if [[ -f "$K_DATA/meta.properties" ]]; then
        return 0
    fi
    local cluster_id
    cluster_id="$(java_cp kafka.tools.StorageTool random-uuid 2>/dev/null | tail -n 1 || true)"
    [[ "$cluster_id" =~ ^[A-Za-z0-9_-]{22}$ ]] || die "could not generate a cluster id"
    log "formatting $K_DATA (cluster id $cluster_id)"
    mkdir -p "$K_DATA"
    java_cp kafka.tools.StorageTool format -t "$cluster_id" -c "$K_CONF" \
        --add-scram "SCRAM-SHA-512=[name=itp,password=$SCRAM_PASSWORD]" >>"$K_LOG" 2>&1 \
        || { tail -n 20 "$K_LOG" >&2; die "StorageTool format failed (log: $K_LOG)"; }
}

# PID from the pid file, only if that process is still our broker (guards against PID reuse).
running_pid() {
    local pid
    pid="$(cat "$K_PIDFILE" 2>/dev/null || true)"
    [[ "$pid" =~ ^[0-9]+$ ]] || return 1
    kill -0 "$pid" 2>/dev/null || return 1
    tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q "kafka.Kafka $K_CONF" || return 1
    printf '%s\n' "$pid"
}

broker_answers() {
    kcat -b "127.0.0.1:$BROKER_PORT" -L -m 3 2>/dev/null | grep -q '1 brokers:'
}

wait_ready() {
    local pid="$1" deadline=$((SECONDS + READY_TIMEOUT_S))
    until broker_answers; do
        if ! kill -0 "$pid" 2>/dev/null; then
            tail -n 40 "$K_LOG" >&2 || true
            rm -f "$K_PIDFILE"
            die "broker (pid $pid) exited during start-up (log: $K_LOG)"
        fi
        if ((SECONDS >= deadline)); then
            tail -n 40 "$K_LOG" >&2 || true
            die "broker not ready on 127.0.0.1:$BROKER_PORT after ${READY_TIMEOUT_S}s; still running as pid $pid (log: $K_LOG)"
        fi
        sleep 0.5
    done
}

cmd_start() {
    mkdir -p "$K_ROOT"
    ensure_tools
    local pid
    if pid="$(running_pid)"; then
        if config_changed; then
            log "the configuration changed since the broker started: restarting it"
            cmd_stop
        else
            wait_ready "$pid"
            log "already running (pid $pid) on 127.0.0.1:$BROKER_PORT"
            return 0
        fi
    fi
    local t0=$SECONDS
    ensure_libs
    render_config
    ensure_formatted
    log "starting Kafka $KAFKA_VERSION (KRaft) on 127.0.0.1:$BROKER_PORT (controller $CONTROLLER_PORT)"
    printf '\n===== start %s =====\n' "$(date -u +%FT%TZ)" >>"$K_LOG"
    # setsid: the broker gets its own session, so it outlives the calling shell/job.
    nohup setsid java -Xms"$HEAP" -Xmx"$HEAP" -XX:+UseG1GC -XX:MaxGCPauseMillis=20 \
        -XX:+ExitOnOutOfMemoryError -Djava.awt.headless=true \
        -Dlog4j2.configurationFile="$LOG4J2" -Dkafka.logs.dir="$K_ROOT/logs" \
        -cp "$K_LIBS/*" kafka.Kafka "$K_CONF" >>"$K_LOG" 2>&1 </dev/null &
    pid=$!
    echo "$pid" >"$K_PIDFILE"
    wait_ready "$pid"
    log "ready in $((SECONDS - t0))s (pid $pid); log: $K_LOG"
}

cmd_stop() {
    local pid
    if ! pid="$(running_pid)"; then
        log "not running"
        rm -f "$K_PIDFILE"
        return 0
    fi
    log "stopping (pid $pid)"
    kill -TERM "$pid"
    local deadline=$((SECONDS + STOP_TIMEOUT_S))
    while kill -0 "$pid" 2>/dev/null; do
        if ((SECONDS >= deadline)); then
            log "pid $pid still alive after ${STOP_TIMEOUT_S}s: SIGKILL"
            kill -KILL "$pid" 2>/dev/null || true
            sleep 1
            break
        fi
        sleep 0.2
    done
    ! kill -0 "$pid" 2>/dev/null || die "pid $pid did not exit"
    rm -f "$K_PIDFILE"
    log "stopped"
}

cmd_status() {
    local pid
    if pid="$(running_pid)" && command -v kcat >/dev/null 2>&1 && broker_answers; then
        echo "kafka: running (pid $pid) on 127.0.0.1:$BROKER_PORT, data $K_DATA"
        return 0
    fi
    if pid="$(running_pid)"; then
        echo "kafka: process $pid alive but broker not answering on 127.0.0.1:$BROKER_PORT"
        return 1
    fi
    echo "kafka: not running"
    return 3
}

case "${1:-}" in
    start) cmd_start ;;
    stop) cmd_stop ;;
    status) cmd_status ;;
    *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
