; smp.asm -- two CPUs on the pc board (run with --smp 2): the MP table lab86 writes for a
; directly booted kernel, starting the application processor, IPIs both ways and an
; interrupt routed through the I/O APIC.
;
;   cpuid_apic, cpuid_apic_id_bsp       CPUID leaf 1: EDX bit 9 (a local APIC), EBX 31:24
;                                       the initial APIC ID [SDM vol. 2, CPUID]
;   apic_base_msr                       IA32_APIC_BASE = 0xFEE00900: enabled, BSP [10.4.4]
;   lapic_id_bsp, lapic_version         the local APIC's ID and version registers
;   mp_floating_pointer, mp_checksums,  the MP spec 1.4 floating pointer in the last KiB of
;   mp_processors, mp_ioapic            base memory and its configuration table: two
;                                       processors, the BSP flagged, the I/O APIC entry
;   ap_started, ap_apic_id, ap_cpuid_id INIT, startup, startup (all but self): the AP runs
;                                       the real-mode trampoline at 0x7000, enters
;                                       protected mode and reports its APIC ID [8.4.4]
;   ipi_bsp_to_ap, ipi_ap_to_bsp        a fixed IPI to APIC 1, whose handler answers with
;                                       one to APIC 0 [10.6]
;   ioapic_version, ioapic_pit_on_ap    the PIT's IRQ 0 on I/O APIC pin 2, sent to the AP
;                                       [82093AA datasheet; MP spec 5.3]
;
; Everything the AP finds out it stores in memory; only the BSP prints.

%include "lib.inc"
%include "ap.inc"

APIC_ID         equ APIC + 0x20
APIC_VER        equ APIC + 0x30
APIC_EOI        equ APIC + 0xB0
IOAPIC          equ 0xFEC00000
IOAPIC_WIN      equ IOAPIC + 0x10
MSR_APIC_BASE   equ 0x1B

MP_FLOAT        equ 0x9FC00

VEC_TO_AP       equ 0x50
VEC_TO_BSP      equ 0x51
VEC_PIT         equ 0x60
VEC_SPURIOUS    equ 0xFF

PIT_CH0         equ 0x40
PIT_CMD         equ 0x43
SPIN            equ 200000              ; polling iterations before giving up

section .text

test_main:
    SET_IDT VEC_TO_AP, SEL_KCODE, ap_ipi_handler, ACC_INTGATE
    SET_IDT VEC_TO_BSP, SEL_KCODE, bsp_ipi_handler, ACC_INTGATE
    SET_IDT VEC_PIT, SEL_KCODE, pit_handler, ACC_INTGATE
    SET_IDT VEC_SPURIOUS, SEL_KCODE, spurious_handler, ACC_INTGATE
    call check_bsp_identity
    call check_mp_table
    mov dword [APIC_SVR], 0x100 | VEC_SPURIOUS
    call start_ap
    call check_ipis
    call check_ioapic
    ret

check_bsp_identity:
    mov eax, 1
    cpuid
    CHECK_MASK "cpuid_apic", edx, 1 << 9, 1 << 9
    shr ebx, 24
    CHECK_EQ "cpuid_apic_id_bsp", ebx, 0
    mov ecx, MSR_APIC_BASE
    rdmsr
    CHECK_EQ "apic_base_msr", eax, 0xFEE00900
    CHECK_EQ "lapic_id_bsp", dword [APIC_ID], 0
    CHECK_MASK "lapic_version", dword [APIC_VER], 0xFF, 0x14
    ret

; sum_bytes: AL = the sum of ECX bytes at ESI.
sum_bytes:
    xor eax, eax
.next:
    add al, [esi]
    inc esi
    loop .next
    ret

check_mp_table:
    CHECK_EQ "mp_floating_pointer", dword [MP_FLOAT], '_MP_'
    mov esi, MP_FLOAT
    mov ecx, 16
    call sum_bytes
    mov edx, eax
    mov ebx, [MP_FLOAT + 4]             ; the configuration table
    mov esi, ebx
    movzx ecx, word [ebx + 4]
    call sum_bytes
    or edx, eax
    and edx, 0xFF
    CHECK_EQ "mp_checksums", edx, 0
    CHECK_EQ "mp_signature", dword [ebx], 'PCMP'
    ; Walk the entries: processors are 20 bytes, the others 8.
    movzx ecx, word [ebx + 34]
    lea esi, [ebx + 44]
    xor edi, edi                        ; processors seen
    xor edx, edx                        ; the BSP's entry: APIC ID + 1
.entry:
    movzx eax, byte [esi]
    cmp al, 0
    jne .other
    inc edi
    test byte [esi + 3], 2
    jz .not_bsp
    movzx edx, byte [esi + 1]
    inc edx
.not_bsp:
    add esi, 20
    jmp .more
.other:
    cmp al, 2
    jne .skip
    mov eax, [esi + 4]
    mov [mp_ioapic_addr], eax
.skip:
    add esi, 8
.more:
    loop .entry
    CHECK_EQ "mp_processors", edi, 2
    CHECK_EQ "mp_bsp_is_apic_0", edx, 1
    CHECK_EQ "mp_ioapic", dword [mp_ioapic_addr], IOAPIC
    ret

; start_ap: wake the AP (ap.inc), wait until it runs, and check it is the one we expect.
start_ap:
    call wake_ap
    mov ecx, SPIN
.wait:
    cmp dword [ap_count], 0
    jne .started
    pause
    loop .wait
.started:
    call ap_delay                       ; a second AP would have come by now
    CHECK_EQ "ap_started", dword [ap_count], 1
    CHECK_EQ "ap_apic_id", dword [ap_apic_id], 1
    CHECK_EQ "ap_cpuid_id", dword [ap_cpuid_id], 1
    ret

check_ipis:
    sti
    mov dword [APIC_ICR_HI], 1 << 24
    mov dword [APIC_ICR_LO], VEC_TO_AP  ; fixed, physical destination 1
    mov ecx, SPIN
.wait:
    cmp dword [bsp_ipi_hits], 0
    jne .back
    pause
    loop .wait
.back:
    cli
    CHECK_EQ "ipi_bsp_to_ap", dword [ap_ipi_hits], 1
    CHECK_EQ "ipi_ap_to_bsp", dword [bsp_ipi_hits], 1
    ret

; check_ioapic: IRQ 0 (PIT channel 0 at 1 kHz) on pin 2 -> the AP; three ticks.
check_ioapic:
    mov dword [IOAPIC], 1
    CHECK_EQ "ioapic_version", dword [IOAPIC_WIN], 0x00170011
    mov dword [IOAPIC], 0x10 + 2 * 2 + 1
    mov dword [IOAPIC_WIN], 1 << 24     ; destination: APIC 1
    mov dword [IOAPIC], 0x10 + 2 * 2
    mov dword [IOAPIC_WIN], VEC_PIT     ; fixed, edge, unmasked
    mov al, 0x34                        ; counter 0, mode 2
    out PIT_CMD, al
    mov ax, 1193
    out PIT_CH0, al
    mov al, ah
    out PIT_CH0, al
    mov ecx, SPIN
.wait:
    cmp dword [ap_pit_ticks], 3
    jae .done
    pause
    loop .wait
.done:
    mov dword [IOAPIC], 0x10 + 2 * 2
    mov dword [IOAPIC_WIN], 1 << 16     ; masked again
    CHECK_EQ "ioapic_pit_on_ap", dword [bsp_pit_ticks], 0
    mov eax, [ap_pit_ticks]
    cmp eax, 3
    jb .few
    PASS "ioapic_pit_ticks_on_ap"
    ret
.few:
    FAIL "ioapic_pit_ticks_on_ap", "fewer than 3 ticks"
    ret

; --- the AP ---

ap_entry32:
    mov ax, SEL_KDATA
    mov ds, ax
    mov es, ax
    mov ss, ax
    mov esp, ap_stack_top
    lidt [idt_ptr]
    mov eax, [APIC_ID]
    shr eax, 24
    mov [ap_apic_id], eax
    mov eax, 1
    cpuid
    shr ebx, 24
    mov [ap_cpuid_id], ebx
    mov dword [APIC_SVR], 0x100 | VEC_SPURIOUS
    lock inc dword [ap_count]
    sti
.idle:
    hlt
    jmp .idle

ap_ipi_handler:
    push eax
    lock inc dword [ap_ipi_hits]
    mov dword [APIC_ICR_HI], 0          ; answer APIC 0
    mov dword [APIC_ICR_LO], VEC_TO_BSP
    mov dword [APIC_EOI], 0
    pop eax
    iretd

bsp_ipi_handler:
    lock inc dword [bsp_ipi_hits]
    mov dword [APIC_EOI], 0
    iretd

; The PIT's interrupt, counted by the CPU that takes it.
pit_handler:
    push eax
    mov eax, [APIC_ID]
    test eax, eax
    jnz .ap
    lock inc dword [bsp_pit_ticks]
    jmp .eoi
.ap:
    lock inc dword [ap_pit_ticks]
.eoi:
    mov dword [APIC_EOI], 0
    pop eax
    iretd

spurious_handler:
    iretd


section .data
mp_ioapic_addr: dd 0
ap_count:       dd 0
ap_apic_id:     dd 0xFFFFFFFF
ap_cpuid_id:    dd 0xFFFFFFFF
ap_ipi_hits:    dd 0
bsp_ipi_hits:   dd 0
ap_pit_ticks:   dd 0
bsp_pit_ticks:  dd 0

section .bss
align 16
ap_stack:       resb 4096
ap_stack_top:
