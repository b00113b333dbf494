#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# In-guest half of tests/prom-lab.sh: the lab as an operator's host, with
# Debian's prometheus-node-exporter serving vtel's textfile on :9100 to a
# Prometheus server on the build host (QEMU user networking, restrict=on,
# host port forwarded to 127.0.0.1 only). Six test VMMs, each named a
# different way (QEMU -name guest=, QEMU -name NAME, a libvirt
# machine.slice scope, a kubepods pod cgroup, comm), with known exit mixes
# (each VMM sleeps a known time per port IO exit) and --hold so that their
# VMs stay live; the textfile script runs every
# second (the timer's 15 s made short). Then the README's "On a real host"
# lines run as written (minus modprobe and systemctl), the phase marker
# vtel_lab_phase 2 tells the host that the figures are final, and the
# guest waits for the host's connection on :9101 before it ends.
# Extras: vtel (static), vtel-textfile, prometheus-node-exporter, libc.so.6,
# ld-linux-x86-64.so.2, e1000.ko, readme-guest.sh.
. /lab/lib.sh
cd /tmp
export PATH=/extra:$PATH
export VTEL=/extra/vtel
TF=/var/lib/prometheus/node-exporter
CG=/sys/fs/cgroup
UID_=9f1c3b2a_5d4e_4f60_8a7b_1c2d3e4f5a6b
CID=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef

load_kvm && pass prom-kvm-load || fail prom-kvm-load "kvm modules"
insmod "$VTEL_KO" && pass prom-insmod-vtel || fail prom-insmod-vtel "insmod vtel"

# ---- network: e1000 (CONFIG_E1000=m on both kernels, no dependencies)
insmod /extra/e1000.ko && pass prom-insmod-e1000 || fail prom-insmod-e1000 "insmod e1000"
cat >/tmp/udhcpc.sh <<'S'
#!/bin/sh
case $1 in bound|renew)
	ifconfig "$interface" "$ip" netmask "$subnet" up
	[ -n "$router" ] && route add default gw "$router" dev "$interface"
	echo "# udhcpc: $interface $ip/$subnet router $router" ;;
esac
S
chmod 755 /tmp/udhcpc.sh
ip link set lo up
ip link set eth0 up
udhcpc -i eth0 -n -q -t 5 -s /tmp/udhcpc.sh >/tmp/dhcp.log 2>&1
cat /tmp/dhcp.log | sed 's/^/# /'
check prom-dhcp "no address: $(ip -4 addr show eth0 | tr '\n' ' ')" sh -c 'ip -4 addr show eth0 | grep -q "inet "'

# ---- node_exporter (Go, dynamically linked against glibc: ldd on the host)
mkdir -p /lib/x86_64-linux-gnu /lib64 "$TF"
cp /extra/libc.so.6 /lib/x86_64-linux-gnu/
cp /extra/ld-linux-x86-64.so.2 /lib64/
/extra/prometheus-node-exporter --collector.disable-defaults --collector.textfile \
	--collector.textfile.directory=$TF --web.listen-address=:9100 >/tmp/ne.log 2>&1 &
NE=$!
wait_until 10 sh -c 'wget -q -O - http://127.0.0.1:9100/metrics >/dev/null 2>&1'
check prom-node-exporter "not serving: $(tail -n 3 /tmp/ne.log | tr '\n' ' ')" \
	sh -c 'wget -q -O - http://127.0.0.1:9100/metrics | grep -q node_textfile_scrape_error'

# ---- the textfile script every second while the VMs run
( while :; do /extra/vtel-textfile || echo "# vtel-textfile: exit $?"; sleep 1; done ) &
TFL=$!

# ---- six VMMs, named six ways; io counts halve from one to the next
mkdir -p /usr/bin
cp "$VMM" /usr/bin/qemu-system-x86_64
cp "$VMM" /usr/bin/kvm-db
cp "$VMM" /usr/bin/vmm-small
mk() { mkdir -p "$CG/$1"; }
lv=machine.slice/machine-qemu\\x2d2\\x2dweb02.scope/libvirt/emulator
k8=kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod$UID_.slice/cri-containerd-$CID.scope
mk "$lv"
mk "$k8"
# start NAME EXPECTED_NAME SLEEP_US CGROUP EXE [ARGS...]: run a VMM whose
# command line ends in ARGS (after --, ignored by it), stdout to NAME.out:
# 20 outs, each answered after SLEEP_US in the VMM (--io-sleep), and 5
# cpuids. One after the other, each VM then staying live (--hold), so that
# they do not compete. The sleeps halve from one VMM to the next: that is
# the order of their handling times, each at least 20 x SLEEP_US.
start() {
	_n=$1 _e=$2 _s=$3 _cg=$4 _x=$5
	shift 5
	echo "$_e" >"$_n.name"
	sh -c 'echo $$ > "$0/cgroup.procs" && exec "$@"' "$CG/$_cg" "$_x" \
		--io 20 --cpuid 5 --io-sleep "$_s" --hold 200 ${1:+--} "$@" >"$_n.out" 2>"$_n.err" &
	echo $! >"$_n.pid"
	wait_until 120 grep -q '^vm=' "$_n.out" || fail "prom-vmm-$_n" "no KVM line: $(cat "$_n.err")"
	echo "$_s" >"$_n.sleep"
}
start a web02 160000 "$lv" "$VMM"
start b web01 80000 "" /usr/bin/qemu-system-x86_64 -machine pc -name guest=web01,debug-threads=on -m 512
start c "pod:9f1c3b2a-5d4e-4f60-8a7b-1c2d3e4f5a6b/0123456789ab" 40000 "$k8" "$VMM"
start d db02 20000 "" /usr/bin/kvm-db -name db02
start e vtel-testvmm 10000 "" "$VMM"
start f vmm-small 5000 "" /usr/bin/vmm-small
for v in a b c d e f; do
	# The oracle for the host: what KVM counted, with the name vtel should give.
	echo "kvm-oracle vmm=$v name=$(cat $v.name) io_sleep_us=$(cat $v.sleep) $(cat $v.out)"
	check_kvm_lines "prom-vmm-$v" $v.out 1
done

# ---- names, as the CLI sees them
$VTEL -j vms >vms.json
for v in a b c d e f; do
	p=$(cat $v.pid) want=$(cat $v.name)
	got=$(tr '{' '\n' <vms.json | grep "\"pid\":$p," | sed -n 's/.*"name":"\([^"]*\)","name_source":"\([a-z0-9]*\)".*/\1 \2/p')
	case $v in a) src=libvirt ;; b|d) src=qemu ;; c) src=k8s ;; *) src=comm ;; esac
	t_name="prom-vm-name-$src-$v"
	[ "$got" = "$want $src" ] && pass "$t_name: $got" || fail "$t_name" "got '$got', want '$want $src'"
done

# ---- the README's "On a real host" lines, as written
echo "VTEL-README-BEGIN"
while IFS= read -r line; do
	case $line in
	modprobe*|rmmod*|insmod*|systemctl*) echo "# skipped in the lab: $line"; continue ;;
	esac
	echo "# \$ $line"
	sh -c "$line" >readme.out 2>&1
	rc=$?
	sed 's/^/    /' readme.out
	cmd=$(echo "$line" | sed 's/ *#.*//')
	[ $rc -eq 0 ] && pass "prom-readme: $cmd" || fail "prom-readme: $cmd" "exit $rc: $(head -n 2 readme.out | tr '\n' ' ')"
done </extra/readme-guest.sh
echo "VTEL-README-END"
check prom-readme-textfile "no $TF/vtel.prom" [ -s $TF/vtel.prom ]

# ---- final figures: one more export, then the phase marker
/extra/vtel-textfile
$VTEL -j vms >vms.json
echo "VTEL-FILE-BEGIN vms.json"
cat vms.json
echo "VTEL-FILE-END vms.json"
echo "VTEL-FILE-BEGIN vtel.prom"
cat $TF/vtel.prom
echo "VTEL-FILE-END vtel.prom"
printf '# HELP vtel_lab_phase 2: the lab VMs are done, figures are final.\n# TYPE vtel_lab_phase gauge\nvtel_lab_phase 2\n' >$TF/.lab.tmp
mv $TF/.lab.tmp $TF/lab.prom
say "waiting for the host's queries (connection on :9101)"
if timeout 150 nc -l -p 9101 >/dev/null 2>&1; then
	pass prom-host-done
else
	fail prom-host-done "no connection from the host within 150 s"
fi
kill $TFL 2>/dev/null
for v in a b c d e f; do kill "$(cat $v.pid)" 2>/dev/null; done
wait_until 10 sh -c '! pidof vtel-testvmm qemu-system-x86_64 kvm-db vmm-small >/dev/null'
kill $NE
lab_done
