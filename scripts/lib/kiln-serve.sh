# Sourced by the client checks: starts `kiln serve` on a free loopback port over a fresh home.
#   start_kiln_serve KILN WORK
# Sets PORT, HOME_DIR (WORK/home), SERVER_PID and PASSWORD (the admin's, from the first-start
# banner); returns non-zero when the server did not come up (its log is WORK/serve.log).
# The caller's EXIT trap stops SERVER_PID.
start_kiln_serve() {
    local kiln=$1 work=$2
    # A free loopback port, asked of the kernel.
    PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
    HOME_DIR=$work/home
    "$kiln" serve --host 127.0.0.1 --port "$PORT" --home "$HOME_DIR" >"$work/serve.log" 2>&1 &
    SERVER_PID=$!
    # Up to 30 s: a loaded machine may be slow to start a debug build.
    for _ in $(seq 1 300); do
        [ -f "$HOME_DIR/clouds.yaml" ] && curl -s -o /dev/null "http://127.0.0.1:$PORT/v3" && break
        sleep 0.1
    done
    PASSWORD=$(sed -n 's/.*admin password (shown once): //p' "$work/serve.log" | head -1)
    [ -n "$PASSWORD" ] && [ -f "$HOME_DIR/clouds.yaml" ]
}
