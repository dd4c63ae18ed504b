#!/usr/bin/python3
"""Keeps Pgpool-II's idea of the primary in line with Patroni's leader (pgha Docker lab).

Pgpool-II never promotes anything here (failover_command is empty): Patroni decides. Pgpool
finds the new primary by itself after a failover (sr_check, find_primary_node), and
auto_failback attaches standbys again once they stream. Two cases it cannot get out of alone:

- The primary fails its health checks for a moment (a pause, a load spike, a network blip)
  and is detached, while Patroni keeps it as leader. Pgpool then searches for a primary among
  the standbys only; auto_failback never attaches a primary. Without help it stays without a
  primary for good.
- Pgpool's search for a new primary ends (search_primary_node_timeout) before Patroni has
  promoted one (a long ttl), and nothing makes it look again.

So every few seconds this asks each member's Patroni (GET /patroni on the member itself, never
/cluster, which lists a dead leader for up to ttl) which one is the running leader, and asks
Pgpool (PCP) which node it treats as primary. When they differ for two checks in a row it
attaches the leader's node if Pgpool has it down, or else tells Pgpool which node is primary
with pcp_promote_node (which changes only Pgpool's view: nothing is promoted in PostgreSQL).

  pgpool-follow-patroni.py --members pg1,pg2,pg3 --pcp-port 9898 --pcp-user pgha --pid PID

The PCP password comes from PCPPASSFILE. Stops when process PID (Pgpool-II) is gone.
"""

import argparse
import json
import os
import subprocess
import sys
import time
import urllib.request

CHECK_EVERY_S = 2
# After acting, give Pgpool time to handle the request (it queues it while it searches for a
# primary, up to search_primary_node_timeout) before asking again.
COOLDOWN_S = 20
HTTP_TIMEOUT_S = 1.5
PCP_TIMEOUT_S = 10
LEADER_ROLES = ("master", "primary")


def log(text):
    sys.stderr.write("%s [pgpool-follow-patroni] %s\n" % (time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), text))
    sys.stderr.flush()


def patroni_leader(members):
    """The one member whose own Patroni says it runs as leader, or None."""
    leaders = []
    for name in members:
        try:
            with urllib.request.urlopen("http://%s:8008/patroni" % name, timeout=HTTP_TIMEOUT_S) as r:
                state = json.load(r)
        except Exception:
            continue  # down, cut off, or not started: not a leader we can follow
        if state.get("state") == "running" and state.get("role") in LEADER_ROLES:
            leaders.append(name)
    return leaders[0] if len(leaders) == 1 else None


def pcp(args, command, *extra):
    return subprocess.run([command, "-h", "127.0.0.1", "-p", str(args.pcp_port), "-U", args.pcp_user, "-w", *extra],
                          capture_output=True, text=True, timeout=PCP_TIMEOUT_S)


def pgpool_nodes(args):
    """[(hostname, status, role)] in node order; status 3 = down. None when PCP does not answer."""
    try:
        r = pcp(args, "pcp_node_info", "-a")
    except subprocess.TimeoutExpired:
        return None
    if r.returncode != 0:
        return None
    nodes = []
    for line in r.stdout.splitlines():
        f = line.split()
        if len(f) >= 7:
            nodes.append((f[0], f[2], f[6]))
    return nodes


def act(args, command, node, why):
    log("%s: %s -n %d" % (why, command, node))
    try:
        r = pcp(args, command, "-n", str(node))
        out = (r.stdout + r.stderr).strip().replace("\n", " ")
        log("%s -n %d: exit %d%s" % (command, node, r.returncode, (", " + out) if out else ""))
    except subprocess.TimeoutExpired:
        log("%s -n %d: no answer within %d s" % (command, node, PCP_TIMEOUT_S))


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--members", required=True, help="Patroni members in Pgpool's backend order, comma separated")
    p.add_argument("--pcp-port", type=int, default=9898)
    p.add_argument("--pcp-user", required=True)
    p.add_argument("--pid", type=int, required=True, help="Pgpool-II's process id: stop when it is gone")
    args = p.parse_args()
    members = args.members.split(",")
    log("following Patroni's leader among %s for Pgpool-II (pid %d)" % (", ".join(members), args.pid))

    mismatch_seen = None  # the mismatch seen at the previous check
    acted_at = time.monotonic() - COOLDOWN_S
    while True:
        time.sleep(CHECK_EVERY_S)
        try:
            os.kill(args.pid, 0)
        except ProcessLookupError:
            return
        except PermissionError:
            pass
        leader = patroni_leader(members)
        nodes = pgpool_nodes(args)
        if leader is None or nodes is None or len(nodes) != len(members):
            mismatch_seen = None
            continue
        li = members.index(leader)
        primaries = [i for i, (_, _, role) in enumerate(nodes) if role == "primary"]
        if nodes[li][1] == "3":
            mismatch = ("attach", li)
            why = "Patroni's leader %s runs, but Pgpool-II has detached it" % leader
            command = "pcp_attach_node"
        elif primaries != [li]:
            mismatch = ("promote", li)
            shown = ", ".join(members[i] for i in primaries) or "none"
            why = "Patroni's leader is %s, Pgpool-II's primary is %s (Pgpool-II's view only)" % (leader, shown)
            command = "pcp_promote_node"
        else:
            mismatch_seen = None
            continue
        # Twice in a row: Pgpool may be in the middle of finding the primary itself.
        if mismatch == mismatch_seen and time.monotonic() - acted_at >= COOLDOWN_S:
            act(args, command, li, why)
            acted_at = time.monotonic()
            mismatch_seen = None
        else:
            mismatch_seen = mismatch


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        pass
