#!/bin/sh
# A stand-in for `docker` (and `docker compose`) for the GUI tests, which must not start
# containers: it answers the few commands the console sends from recorded payloads and writes
# down what it was asked. The test points PGHA_DOCKER at it and PGHA_COMPOSE at "<it> compose".
#
#   $FAKE_DOCKER_DIR/calls.log   every invocation, one line: "<pid> <arguments>"
#   $FAKE_DOCKER_DIR/ps.txt      what `docker ps -a --format …` prints (absent: no containers)
#   $FAKE_DOCKER_DIR/stats.jsonl what `docker stats --no-stream` prints
#   $FAKE_DOCKER_DIR/down        present: the daemon is down (every engine command fails as Docker says it)
#   $FAKE_DOCKER_DIR/build.out, build.err   present: `compose build` prints them and fails
#   $FAKE_DOCKER_DIR/build.steps present: `compose build` prints it, takes 3 s and succeeds
#   $FAKE_DOCKER_DIR/follow.pids the pid of every `logs --follow` (it then sleeps until killed)
#   $FAKE_DOCKER_DIR/log.lines   present: `logs` prints that many numbered lines instead of three
#   $FAKE_DOCKER_DIR/slow-stats  present: `docker stats` takes a second (to catch overlapping requests)
set -u
dir=${FAKE_DOCKER_DIR:?FAKE_DOCKER_DIR is not set}
echo "$$ $*" >> "$dir/calls.log"

daemon_down() {
    echo "Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?" >&2
    exit 1
}

if [ "${1:-}" = "compose" ]; then
    shift
    [ "${1:-}" = "version" ] && { echo "2.20.2"; exit 0; }
    [ -e "$dir/down" ] && daemon_down
    # -p PROJECT, then the subcommand
    [ "${1:-}" = "-p" ] && shift 2
    sub=${1:-}
    shift
    case "$sub" in
    build)
        if [ -e "$dir/build.steps" ]; then
            cat "$dir/build.steps"
            sleep 3       # mid-build for a while: the lab panel shows which image is at which step
            exit 0
        fi
        if [ -e "$dir/build.out" ]; then
            cat "$dir/build.out"
            cat "$dir/build.err" >&2
            exit 1
        fi
        exit 0 ;;
    down)
        echo "Removing fake containers ... done"
        exit 0 ;;
    logs)
        follow=no
        service=
        for a in "$@"; do
            case "$a" in
            --follow) follow=yes ;;
            --*|[0-9]*) ;;
            *) service=$a ;;
            esac
        done
        if [ -e "$dir/log.lines" ]; then
            seq -f "fake log line %.0f of $service" 1 "$(cat "$dir/log.lines")"
        else
            for n in 1 2 3; do
                echo "fake log line $n of $service"
            done
        fi
        if [ "$follow" = yes ]; then
            echo "$$" >> "$dir/follow.pids"
            exec sleep 600
        fi
        exit 0 ;;
    *)
        exit 0 ;;
    esac
fi

case "${1:-}" in
version)
    [ -e "$dir/down" ] && daemon_down
    echo "20.10.24+dfsg1" ;;
ps)
    [ -e "$dir/down" ] && daemon_down
    case " $* " in
    *" -q "*) ;;   # ids of what is left after `down --volumes`: nothing
    *) [ -e "$dir/ps.txt" ] && cat "$dir/ps.txt" ;;
    esac ;;
stats)
    [ -e "$dir/down" ] && daemon_down
    echo "stats-begin $$" >> "$dir/stats.log"
    [ -e "$dir/slow-stats" ] && sleep 1
    [ -e "$dir/stats.jsonl" ] && cat "$dir/stats.jsonl"
    echo "stats-end $$" >> "$dir/stats.log" ;;
image)
    exit 1 ;;      # `image inspect` of the offline base image: not built here
volume|network)
    ;;             # `ls -q`: nothing left
*)
    echo "fake docker: unexpected command: $*" >&2
    exit 2 ;;
esac
exit 0
