# SPDX-License-Identifier: GPL-2.0
# Sourced by tests/lab/run.sh: the Bochs backend, where kvm_intel runs for
# real. Bochs 2.7 (Debian's bochs) emulates VMX with EPT, VPID, unrestricted
# guest and the preemption timer in its corei7_skylake_x model; QEMU's TCG
# emulates SVM only.
#
# Bochs has no -kernel, so the kernel and initramfs go on a GRUB rescue ISO
# (grub-mkrescue) that boots at once with the console on the serial port.
# Bochs runs headless (rfb display with timeout=0, nobody connects), its
# internal debugger is told to continue and then quit (-rc), and COM1 is a
# file, and sound is the dummy driver (the ALSA one aborts Bochs 2.7 where
# the host has no sound card). The guest ends the run with a triple fault (reboot=t), which Bochs,
# with reset_on_triple_fault=0 and panics fatal, turns into an exit: there is
# no -no-reboot. A kernel panic (panic=-1, oops=panic) ends it the same way.
#
# The emulated clock is instruction-driven (clock: sync=none, ips below), so
# guest times under Bochs are counts and orderings, not latencies.

# What the corei7_skylake_x model makes the kernel say before /init, and
# nothing else, is accepted there (run.sh's no-kernel-warnings): a WARN in
# fpu__init_system_xstate (its XSAVE leaves), on 6.12 one in the legacy
# topology parser (parse_legacy, its CPUID topology leaves), the Call Trace lines
# of those boot-dmesg WARNs, and the RETBleed mitigation notice.
LAB_BOCHS_BOOT_OK='^lab: boot-dmesg: .*(WARNING: .* (fpu__init_system_xstate|parse_legacy)\+|Call Trace:)|RETBleed: WARNING: Spectre v2 mitigation leaves CPU vulnerable'

# lab_bochs_boot VMLINUZ INITRD CMDLINE TIMEOUT WORKDIR: boot, print the
# serial console on stdout while it runs, and return 0 when the guest ended
# the run itself, 124 on timeout, 1 otherwise.
lab_bochs_boot() {
	local vmlinuz=$1 initrd=$2 cmdline=$3 tmo=$4 w=$5 rc tailpid t0 cur="" ts=""
	for t in bochs grub-mkrescue xorriso mformat; do
		command -v "$t" >/dev/null ||
			{ echo "run.sh: error: $t not found (make deps)" >&2; return 2; }
	done
	mkdir -p "$w/iso/boot/grub"
	cp "$vmlinuz" "$w/iso/boot/vmlinuz"
	cp "$initrd" "$w/iso/boot/initrd.gz"
	cat >"$w/iso/boot/grub/grub.cfg" <<-EOF
		serial --unit=0 --speed=115200
		terminal_input serial console
		terminal_output serial console
		set timeout=0
		menuentry vtel-lab {
			linux /boot/vmlinuz $cmdline
			initrd /boot/initrd.gz
		}
	EOF
	grub-mkrescue -o "$w/boot.iso" "$w/iso" >"$w/grub-mkrescue.log" 2>&1 ||
		{ echo "run.sh: error: grub-mkrescue failed:" >&2; cat "$w/grub-mkrescue.log" >&2; return 2; }
	rm -rf "$w/iso"
	cat >"$w/bochsrc" <<-EOF
		megs: ${LAB_BOCHS_MEGS:-768}
		romimage: file=/usr/share/bochs/BIOS-bochs-latest
		vgaromimage: file=/usr/share/vgabios/vgabios.bin
		cpu: model=corei7_skylake_x, count=1, ips=100000000, reset_on_triple_fault=0, ignore_bad_msrs=1
		display_library: rfb, options="timeout=0"
		pci: enabled=1, chipset=i440fx
		ata0: enabled=1, ioaddr1=0x1f0, ioaddr2=0x3f0, irq=14
		ata0-master: type=cdrom, path=$w/boot.iso, status=inserted
		boot: cdrom
		com1: enabled=1, mode=file, dev=$w/serial.txt
		clock: sync=none, time0=local
		sound: waveoutdrv=dummy, waveindrv=dummy, midioutdrv=dummy
		speaker: enabled=0
		log: $w/bochs.log
		panic: action=fatal
		error: action=report, cpu0=ignore
		info: action=ignore
		debug: action=ignore
	EOF
	printf 'c\nquit\n' >"$w/cont.rc"
	: >"$w/serial.txt"
	t0=$SECONDS
	(
		tail -n +1 -F "$w/serial.txt" 2>/dev/null | while IFS= read -r l; do
			l=${l%$'\r'}
			printf '%s\n' "$l"
			case $l in
			"lab: init on"*) echo "lab: bochs: /init after $((SECONDS - t0))s" ;;
			"lab: script "*)
				cur=${l#lab: script } ts=$SECONDS
				cur=${cur%%,*} ;;
			"ok - "*kvm-load) echo "lab: bochs: kvm loaded after $((SECONDS - t0))s" ;;
			VTEL-LAB-DONE) echo "lab: bochs: script done after $((SECONDS - t0))s${cur:+ ($cur took $((SECONDS - ts))s)}" ;;
			esac
		done
	) 2>/dev/null &
	tailpid=$!
	timeout -k 5 "$tmo" bochs -q -f "$w/bochsrc" -rc "$w/cont.rc" \
		</dev/null >"$w/bochs.out" 2>&1
	rc=$?
	sleep 0.5
	pkill -P "$tailpid" 2>/dev/null
	wait "$tailpid" 2>/dev/null
	echo "lab: bochs: ran $((SECONDS - t0))s"
	case $rc in
	124|137) return 124 ;;
	esac
	# The expected end: the guest's triple fault, which Bochs reports as a
	# panic (fatal) and exits on.
	if grep -q 'exception with no resolution' "$w/bochs.log"; then
		return 0
	fi
	echo "lab: bochs exited with status $rc; end of its log:"
	tail -n 15 "$w/bochs.log" "$w/bochs.out" | sed 's/^/lab: bochs: /'
	return 1
}
