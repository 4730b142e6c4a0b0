"""tinysweep's sandbox launcher: runs one `command` backend program confined, and ends everything
it started when it ends. The trainer starts it once per trial attempt:

    python3 -I -S launch.py '<config json>' /abs/path/to/program [args...]
    python3 -I -S launch.py --probe            # prints {"landlock": <ABI or 0>, "mountns": bool} and exits

stdin is /dev/null, stdout and stderr are the program's, and fd 3 carries this launcher's status
lines (JSON): {"event": "started", ...}, {"event": "refused", "reason": ...},
{"event": "limit", "what": "memory", ...}, {"event": "exit", "code": ..., "signal": ...}.

What it does, in order (apps/trainer/README.md and SECURITY.md say why):
  - becomes a child subreaper, and joins the attempt's cgroup v2 when the trainer made one, so
    every process the program starts stays findable even after setsid() and a double fork;
  - forks the program into its own process group, with: default signal dispositions; a private
    view of the file system when its user could not otherwise reach its workdir (apply_view); cwd;
    rlimits (address space, CPU seconds, file size, processes, open files, no core dumps);
    no_new_privs; a Landlock domain that allows writing only beneath the given directories,
    TCP connections only to the given ports (ABI 4) and no signals outside itself (ABI 6); then
    the unprivileged uid/gid if given; then execve;
  - meanwhile reaps everything, kills the whole tree when the resident memory of all of it passes
    the memory limit, and on SIGTERM (the trial was cancelled or timed out) sends SIGTERM to the
    tree, then SIGKILL after the grace;
  - when the program exits, waits `drainMs` for what it left running, then ends that the same way,
    and exits with the program's status (re-raising its signal).

Standard library only (ctypes for landlock and prctl): no compiler, no packages.
"""
import base64
import ctypes
import json
import os
import resource
import select
import signal
import sys
import time

PR_SET_NO_NEW_PRIVS = 38
PR_SET_CHILD_SUBREAPER = 36
PR_SET_PDEATHSIG = 1
SYS_LANDLOCK_CREATE_RULESET = 444  # the same number on every architecture (new syscall table)
SYS_LANDLOCK_ADD_RULE = 445
SYS_LANDLOCK_RESTRICT_SELF = 446
LANDLOCK_CREATE_RULESET_VERSION = 1
LANDLOCK_RULE_PATH_BENEATH = 1
LANDLOCK_RULE_NET_PORT = 2

# Filesystem rights that write (reads and execution stay unrestricted: the program must read its
# code, its data and the system's libraries; secrets are kept from it by uid and by not being handed over).
FS_WRITE_FILE = 1 << 1
FS_REMOVE_DIR = 1 << 4
FS_REMOVE_FILE = 1 << 5
FS_MAKE_ALL = sum(1 << b for b in range(6, 13))  # char, dir, reg, sock, fifo, block, sym
FS_REFER = 1 << 13  # ABI 2
FS_TRUNCATE = 1 << 14  # ABI 3
FS_READ_FILE = 1 << 2
NET_CONNECT_TCP = 1 << 1  # ABI 4
SCOPE_ABSTRACT_UNIX_SOCKET = 1 << 0  # ABI 6
SCOPE_SIGNAL = 1 << 1  # ABI 6

CLONE_NEWNS = 0x00020000
MS_NOSUID = 2
MS_NODEV = 4
MS_BIND = 0x1000
MS_REC = 0x4000
MS_PRIVATE = 1 << 18

libc = ctypes.CDLL(None, use_errno=True)
libc.mount.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_ulong, ctypes.c_char_p]
libc.syscall.restype = ctypes.c_long


class RulesetAttr(ctypes.Structure):
    _fields_ = [("handled_access_fs", ctypes.c_uint64), ("handled_access_net", ctypes.c_uint64), ("scoped", ctypes.c_uint64)]


class PathBeneathAttr(ctypes.Structure):
    _pack_ = 1
    _fields_ = [("allowed_access", ctypes.c_uint64), ("parent_fd", ctypes.c_int32)]


class NetPortAttr(ctypes.Structure):
    _fields_ = [("allowed_access", ctypes.c_uint64), ("port", ctypes.c_uint64)]


status_fd = 3


def report(event, **fields):
    try:
        os.write(status_fd, (json.dumps({"event": event, **fields}) + "\n").encode())
    except OSError:
        pass  # the trainer went away; keep going, the pdeath signal handles that


def landlock_abi():
    abi = libc.syscall(SYS_LANDLOCK_CREATE_RULESET, None, ctypes.c_size_t(0), ctypes.c_uint32(LANDLOCK_CREATE_RULESET_VERSION))
    return abi if abi > 0 else 0


def errno_text():
    e = ctypes.get_errno()
    return "%s (errno %d)" % (os.strerror(e), e)


def apply_landlock(abi, write_dirs, write_files, connect_ports):
    """Restricts this process (and what it executes) for good; raises OSError on failure."""
    handled = FS_WRITE_FILE | FS_REMOVE_DIR | FS_REMOVE_FILE | FS_MAKE_ALL
    if abi >= 2:
        handled |= FS_REFER
    if abi >= 3:
        handled |= FS_TRUNCATE
    attr = RulesetAttr(handled, NET_CONNECT_TCP if abi >= 4 and connect_ports is not None else 0, (SCOPE_ABSTRACT_UNIX_SOCKET | SCOPE_SIGNAL) if abi >= 6 else 0)
    size = 8 if abi < 4 else (16 if abi < 6 else 24)
    ruleset = libc.syscall(SYS_LANDLOCK_CREATE_RULESET, ctypes.byref(attr), ctypes.c_size_t(size), ctypes.c_uint32(0))
    if ruleset < 0:
        raise OSError("landlock_create_ruleset: " + errno_text())
    try:
        file_rights = FS_WRITE_FILE | (FS_TRUNCATE if abi >= 3 else 0)
        for path, rights in [(d, handled) for d in write_dirs] + [(f, file_rights) for f in write_files]:
            try:
                fd = os.open(path, os.O_PATH | os.O_CLOEXEC)
            except OSError:
                continue  # e.g. no /dev/tty here: nothing to allow
            try:
                rule = PathBeneathAttr(rights, fd)
                if libc.syscall(SYS_LANDLOCK_ADD_RULE, ctypes.c_int(ruleset), ctypes.c_int(LANDLOCK_RULE_PATH_BENEATH), ctypes.byref(rule), ctypes.c_uint32(0)) != 0:
                    raise OSError("landlock_add_rule %s: %s" % (path, errno_text()))
            finally:
                os.close(fd)
        if attr.handled_access_net:
            for port in connect_ports:
                rule = NetPortAttr(NET_CONNECT_TCP, port)
                if libc.syscall(SYS_LANDLOCK_ADD_RULE, ctypes.c_int(ruleset), ctypes.c_int(LANDLOCK_RULE_NET_PORT), ctypes.byref(rule), ctypes.c_uint32(0)) != 0:
                    raise OSError("landlock_add_rule port %d: %s" % (port, errno_text()))
        if libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
            raise OSError("prctl(PR_SET_NO_NEW_PRIVS): " + errno_text())
        if libc.syscall(SYS_LANDLOCK_RESTRICT_SELF, ctypes.c_int(ruleset), ctypes.c_uint32(0)) != 0:
            raise OSError("landlock_restrict_self: " + errno_text())
    finally:
        os.close(ruleset)


LIMITS = {"as": resource.RLIMIT_AS, "cpu": resource.RLIMIT_CPU, "fsize": resource.RLIMIT_FSIZE, "nproc": resource.RLIMIT_NPROC, "nofile": resource.RLIMIT_NOFILE}


def apply_view(view):
    """A private view of the file system (sandbox.ts PrivateView), in a mount namespace of this
    process's own: each `hide` directory is covered by an empty tmpfs (mode 0755), and each `reveal`
    directory beneath one is bound back at its own path. The bind sources are opened before the
    tmpfs hides them."""
    if libc.unshare(CLONE_NEWNS) != 0:
        raise OSError("unshare(CLONE_NEWNS): " + errno_text())
    # nothing mounted here reaches the trainer's namespace
    if libc.mount(b"none", b"/", None, MS_REC | MS_PRIVATE, None) != 0:
        raise OSError("mount --make-rprivate /: " + errno_text())
    # opened inside the new namespace: a bind source must be one of its own mounts
    sources = [(path, os.open(path, os.O_PATH | os.O_DIRECTORY)) for path in view["reveal"]]
    for path in view["hide"]:
        if libc.mount(b"tinysweep-view", path.encode(), b"tmpfs", MS_NOSUID | MS_NODEV, b"mode=0755,size=64k") != 0:
            raise OSError("mount tmpfs on %s: %s" % (path, errno_text()))
    old = os.umask(0o022)
    try:
        for path, fd in sources:
            os.makedirs(path, 0o755, exist_ok=True)
            if libc.mount(("/proc/self/fd/%d" % fd).encode(), path.encode(), None, MS_BIND | MS_REC, None) != 0:
                raise OSError("mount --rbind %s: %s" % (path, errno_text()))
            os.close(fd)
    finally:
        os.umask(old)


def mount_namespace_works():
    """Whether this process may make a mount namespace (root, and not forbidden by a container)."""
    if os.geteuid() != 0:
        return False
    pid = os.fork()
    if pid == 0:
        ok = libc.unshare(CLONE_NEWNS) == 0 and libc.mount(b"none", b"/", None, MS_REC | MS_PRIVATE, None) == 0
        os._exit(0 if ok else 1)
    _, status = os.waitpid(pid, 0)
    return os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0


def exec_program(cfg, argv, landlock):
    """In the forked child: confine, then execve. Never returns."""
    try:
        if cfg.get("cgroup"):
            try:
                with open(os.path.join(cfg["cgroup"], "cgroup.procs"), "w") as f:
                    f.write(str(os.getpid()))  # before anything forks: all it starts is in the cgroup
            except OSError:
                pass  # tracked as a subreaper all the same
        os.setpgid(0, 0)
        for sig in (signal.SIGPIPE, signal.SIGXFSZ, signal.SIGXCPU, signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGCHLD):
            signal.signal(sig, signal.SIG_DFL)  # Python ignores some; exec keeps what is ignored
        signal.pthread_sigmask(signal.SIG_SETMASK, [])
        try:
            os.set_inheritable(status_fd, False)  # closed by a successful exec, open to report a failed one
        except OSError:
            pass  # no status pipe (run by hand)
        if cfg.get("view"):
            apply_view(cfg["view"])  # before chdir and Landlock: both open paths the view shows
        os.chdir(cfg["cwd"])
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        for name, value in (cfg.get("limits") or {}).items():
            if name in LIMITS and value is not None:
                # CPU: SIGXCPU at the limit (a reason the trainer can name), SIGKILL a few seconds on
                resource.setrlimit(LIMITS[name], (value, value + 5 if name == "cpu" else value))
        if landlock:
            apply_landlock(landlock, cfg["writeDirs"], cfg.get("writeFiles", []), cfg.get("connectPorts"))
        elif libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
            raise OSError("prctl(PR_SET_NO_NEW_PRIVS): " + errno_text())
        if cfg.get("gid") is not None:
            os.setgroups([])
            os.setgid(cfg["gid"])
        if cfg.get("uid") is not None:
            os.setuid(cfg["uid"])
        os.execve(argv[0], argv, dict(os.environ))
    except OSError as e:
        code = "ENOENT" if e.errno == 2 else "EACCES" if e.errno == 13 else None
        report("refused", reason=str(e), code=code)
    except Exception as e:  # noqa: BLE001 - anything else is still a refusal, reported, not a traceback
        report("refused", reason=repr(e), code=None)
    os._exit(127)


def process_table():
    """pid → (ppid, rss bytes) for every live process (zombies excluded)."""
    page = os.sysconf("SC_PAGE_SIZE")
    table = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % entry, "rb") as f:
                stat = f.read()
        except OSError:
            continue
        fields = stat[stat.rfind(b")") + 2:].split()
        if fields[0] in (b"Z", b"X"):
            continue
        table[int(entry)] = (int(fields[1]), int(fields[21]) * page)
    return table


def children_of(pid):
    """Children of `pid` from /proc/<pid>/task/*/children; None where the kernel has no such file."""
    out = []
    try:
        tasks = os.listdir("/proc/%d/task" % pid)
    except OSError:
        return out  # gone
    for tid in tasks:
        try:
            with open("/proc/%d/task/%s/children" % (pid, tid), "rb") as f:
                out.extend(int(c) for c in f.read().split())
        except FileNotFoundError:
            return None
        except OSError:
            continue
    return out


def descendants(root, table=None):
    """Processes below `root` (this launcher is their subreaper, so orphans stay below it)."""
    if table is None and HAS_CHILDREN_FILES:
        # A walk down the tree reads a few files; a scan of every process on the machine reads
        # hundreds (it was most of the launcher's CPU on short trials).
        out, todo = [], [root]
        while todo:
            found = children_of(todo.pop())
            if found is None:
                break
            out.extend(found)
            todo.extend(found)
        else:
            return out
    table = process_table() if table is None else table
    children = {}
    for pid, (ppid, _) in table.items():
        children.setdefault(ppid, []).append(pid)
    out, todo = [], list(children.get(root, []))
    while todo:
        pid = todo.pop()
        out.append(pid)
        todo.extend(children.get(pid, []))
    return out


def reap():
    """Reaps every exited child; returns {pid: wait status}."""
    done = {}
    while True:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return done
        if pid == 0:
            return done
        done[pid] = status


HAS_CHILDREN_FILES = os.path.exists("/proc/self/task/%d/children" % os.getpid())


def tree_rss(root):
    """Resident bytes of every process below `root`."""
    page = os.sysconf("SC_PAGE_SIZE")
    used = 0
    for pid in descendants(root):
        try:
            with open("/proc/%d/statm" % pid, "rb") as f:
                used += int(f.read().split()[1]) * page
        except (OSError, IndexError, ValueError):
            pass  # gone meanwhile
    return used


def kill_all(sig, cgroup):
    if sig == signal.SIGKILL and cgroup:
        try:
            with open(os.path.join(cgroup, "cgroup.kill"), "w") as f:
                f.write("1")
        except OSError:
            pass
    for pid in descendants(os.getpid()):
        try:
            os.kill(pid, sig)
        except OSError:
            pass


def main():
    if sys.argv[1:] == ["--probe"]:
        print(json.dumps({"landlock": landlock_abi(), "mountns": mount_namespace_works()}))
        return 0
    if sys.argv[1:] == ["--serve"]:
        return serve()
    return launch(json.loads(sys.argv[1]), sys.argv[2:])


def launch(cfg, argv):
    """One attempt: confine and run `argv`, watch it, end what it left; returns the exit status."""
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)  # the trainer (or the server) died: end the trial
    if os.getppid() == 1:
        return 1
    libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
    # The program joins the trial's cgroup in exec_program, this launcher stays out of it: a SIGKILL
    # through cgroup.kill (a memory limit, stragglers that outlive TERM) must not kill the launcher
    # before it reports how the program ended.
    joined = bool(cfg.get("cgroup")) and os.access(os.path.join(cfg["cgroup"], "cgroup.procs"), os.W_OK)
    landlock = 0
    if cfg.get("landlock") != "off":
        landlock = landlock_abi()
        if landlock == 0:
            report("refused", reason="this kernel has no Landlock (needed to keep programs from writing outside their directory; see --command-landlock)", code=None)
            return 125

    stop = {"requested": False}

    def on_term(signum, _frame):
        stop["requested"] = True

    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(sig, on_term)

    child = os.fork()
    if child == 0:
        exec_program(cfg, argv, landlock)
    report("started", pid=child, landlock=landlock, cgroup=joined)

    memory = (cfg.get("limits") or {}).get("memory")
    poll = max(0.02, (cfg.get("pollMs") or 100) / 1000.0)
    # Wake at once when the program exits (its pidfd) or a signal arrives (the wakeup pipe), else
    # every `poll` for the memory watch; a sleep loop would add its period to every trial.
    poller = select.poll()
    wake_r, wake_w = os.pipe()
    os.set_blocking(wake_w, False)
    os.set_blocking(wake_r, False)
    signal.set_wakeup_fd(wake_w)
    poller.register(wake_r, select.POLLIN)
    try:
        poller.register(os.pidfd_open(child), select.POLLIN)
    except (AttributeError, OSError):
        poll = 0.02  # no pidfd (Linux < 5.3): look often instead
    grace = (cfg.get("graceMs") or 5000) / 1000.0
    drain = (cfg.get("drainMs") or 0) / 1000.0
    status = None
    over_limit = None
    term_sent_at = None
    while status is None:
        status = reap().get(child, None)
        if status is not None:
            break
        now = time.monotonic()
        if stop["requested"] and term_sent_at is None:
            kill_all(signal.SIGTERM, None)
            term_sent_at = now
        if term_sent_at is not None and now - term_sent_at >= grace:
            kill_all(signal.SIGKILL, cfg.get("cgroup"))
        if memory and over_limit is None:
            used = tree_rss(os.getpid())
            if used > memory:
                over_limit = used
                report("limit", what="memory", limit=memory, used=used)
                kill_all(signal.SIGKILL, cfg.get("cgroup"))
        poller.poll(poll * 1000)
        try:
            os.read(wake_r, 512)
        except BlockingIOError:
            pass

    # The program is gone; what it left running gets `drainMs` to finish, then TERM, then KILL.
    if descendants(os.getpid()):
        deadline = time.monotonic() + (0 if stop["requested"] else drain)
        while descendants(os.getpid()) and time.monotonic() < deadline:
            reap()
            time.sleep(0.02)
        if descendants(os.getpid()):
            kill_all(signal.SIGTERM, None)
            deadline = time.monotonic() + grace
            while descendants(os.getpid()) and time.monotonic() < deadline:
                reap()
                time.sleep(0.02)
        for _ in range(200):  # SIGKILL cannot be ignored; a fork bomb needs a few rounds
            if not descendants(os.getpid()):
                break
            kill_all(signal.SIGKILL, cfg.get("cgroup"))
            reap()
            time.sleep(0.01)
    reap()

    if os.WIFSIGNALED(status):
        sig = os.WTERMSIG(status)
        report("exit", code=None, signal=signal.Signals(sig).name)
    else:
        report("exit", code=os.WEXITSTATUS(status), signal=None)
    return os.WEXITSTATUS(status) if os.WIFEXITED(status) else 128 + os.WTERMSIG(status)


PIPE_DRAIN_S = 1.0


def serve():
    """--serve: a launcher that stays. The trainer starts it once and sends one JSON line per attempt
    on stdin, {"id", "config", "argv", "env", "cwd"}; each is forked from here — a fork of this
    warm interpreter instead of a fresh python3 per program, which cost tens of ms of CPU per start —
    and runs launch() exactly as a launcher started alone would, in a session of its own, with
    stdin /dev/null and its stdout, stderr and status fd 3 on pipes this server relays. Out, one
    JSON line per event: {"id", "pid"} once forked, {"id", "fd", "data": base64} for output,
    {"id", "exit": {"code", "signal"}} once the launcher is reaped and its pipes are drained,
    {"id", "error"} when it could not be forked. EOF on stdin (the trainer went away): every
    launcher gets SIGTERM (ending its program as on a cancel) and the server exits."""
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
    out = os.fdopen(1, "wb", buffering=0)

    def send(msg):
        data = (json.dumps(msg, separators=(",", ":")) + "\n").encode()
        while data:
            data = data[os.write(out.fileno(), data):]

    wake_r, wake_w = os.pipe()
    os.set_blocking(wake_r, False)
    os.set_blocking(wake_w, False)
    signal.set_wakeup_fd(wake_w)
    signal.signal(signal.SIGCHLD, lambda *_: None)  # only to wake the poll
    signal.signal(signal.SIGTERM, lambda *_: None)  # stop by closing stdin
    poller = select.poll()
    poller.register(0, select.POLLIN)
    poller.register(wake_r, select.POLLIN)
    pending = b""
    pipes = {}  # read fd → (attempt, fd number it is in the launcher)
    attempts = {}  # launcher pid → {"id", "open": pipes left, "status"}
    stdin_open = True

    def start(req):
        fds = [os.pipe() for _ in range(3)]
        try:
            pid = os.fork()
        except OSError as e:
            for r, w in fds:
                os.close(r)
                os.close(w)
            send({"id": req["id"], "error": "fork: %s" % e})
            return
        if pid == 0:
            code = 125
            try:
                signal.set_wakeup_fd(-1)
                for sig in (signal.SIGCHLD, signal.SIGTERM):
                    signal.signal(sig, signal.SIG_DFL)
                os.setsid()
                null = os.open("/dev/null", os.O_RDONLY)
                os.dup2(null, 0)
                for i, (_, w) in enumerate(fds):
                    os.dup2(w, i + 1)
                os.closerange(4, os.sysconf("SC_OPEN_MAX") if os.sysconf("SC_OPEN_MAX") < 65536 else 65536)
                os.chdir(req["cwd"])
                os.environ.clear()
                os.environ.update(req["env"])
                code = launch(req["config"], req["argv"])
            except BaseException as e:  # noqa: BLE001 - reported, never a traceback into the server's pipes
                report("refused", reason="the launcher failed: %r" % (e,), code=None)
            os._exit(code if isinstance(code, int) else 125)
        attempt = {"id": req["id"], "open": 3, "status": None, "reaped": None}
        attempts[pid] = attempt
        for i, (r, w) in enumerate(fds):
            os.close(w)
            os.set_blocking(r, False)
            pipes[r] = (attempt, i + 1)
            poller.register(r, select.POLLIN)
        send({"id": req["id"], "pid": pid})

    def finish_if_done(pid):
        a = attempts.get(pid)
        if a is None or a["open"] > 0 or a["status"] is None:
            return
        del attempts[pid]
        st = a["status"]
        if os.WIFSIGNALED(st):
            send({"id": a["id"], "exit": {"code": None, "signal": signal.Signals(os.WTERMSIG(st)).name}})
        else:
            send({"id": a["id"], "exit": {"code": os.WEXITSTATUS(st), "signal": None}})

    def close_pipe(fd):
        attempt, _ = pipes.pop(fd)
        poller.unregister(fd)
        os.close(fd)
        attempt["open"] -= 1
        return attempt

    while stdin_open or attempts:
        # A launcher that was killed (SIGKILL) leaves what it started holding its pipes: once reaped, its
        # pipes get PIPE_DRAIN_S to close, then they are closed here and its exit reported all the same.
        now = time.monotonic()
        for pid, a in list(attempts.items()):
            if a["reaped"] is not None and now - a["reaped"] > PIPE_DRAIN_S:
                for fd in [fd for fd, (owner, _) in pipes.items() if owner is a]:
                    close_pipe(fd)
                finish_if_done(pid)
        lingering = any(a["reaped"] is not None for a in attempts.values())
        for fd, _ in poller.poll(200 if lingering else 1000):
            if fd == wake_r:
                try:
                    os.read(wake_r, 512)
                except BlockingIOError:
                    pass
            elif fd == 0:
                chunk = os.read(0, 1 << 16)
                if not chunk:
                    stdin_open = False
                    poller.unregister(0)
                    for pid in attempts:
                        try:
                            os.kill(pid, signal.SIGTERM)
                        except OSError:
                            pass
                    continue
                pending += chunk
                while b"\n" in pending:
                    line, pending = pending.split(b"\n", 1)
                    if line.strip():
                        start(json.loads(line))
            elif fd in pipes:
                attempt, n = pipes[fd]
                try:
                    data = os.read(fd, 1 << 16)
                except BlockingIOError:
                    continue
                if data:
                    send({"id": attempt["id"], "fd": n, "data": base64.b64encode(data).decode()})
                    continue
                close_pipe(fd)
                for pid, a in list(attempts.items()):
                    if a is attempt:
                        finish_if_done(pid)
        for pid, st in reap().items():
            if pid in attempts:
                attempts[pid]["status"] = st
                attempts[pid]["reaped"] = time.monotonic()
                finish_if_done(pid)
    return 0


if __name__ == "__main__":
    sys.exit(main())
