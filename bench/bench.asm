; bench.asm -- the CPU-bound guest that `make bench` runs on lab86, Bochs and QEMU.
;
; A benchmark that compares emulators must give every one of them exactly the same work and
; know exactly how much work that is.  This kernel runs four small workloads (kernels), each
; with a fixed, data-independent instruction count:
;
;   k_int    an integer mixing loop (ADD, ROL, XOR, IMUL, LEA, SUB)
;   k_copy   a 64 KiB memory copy, one dword at a time
;   k_crc    a bitwise CRC-32 over 1 KiB of the copy (branch-free inner loop)
;   fib      naive recursive Fibonacci: CALL, RET, PUSH, POP
;
; One *iteration* runs the four kernels with paging off, turns paging on (an identity map of
; the first 4 MiB with 4 KiB pages), runs them again, and turns paging off.  Before each
; kernel CR3 is reloaded, which flushes the TLB, so the paged half keeps paying page walks.
; The whole run is ITER iterations (nasm -DITER=N, default 1); a build with -DITER=0 does
; everything else (boot, set-up, self-test, printing) and lets the harness subtract it.
;
; Instruction count.  Nothing below branches on data, so the measured loop in `main` runs
; exactly
;
;     3 + ITER * INSNS_PER_ITER          (3 = the loop set-up: mov, test, jz)
;
; instructions (the RDTSC difference also covers the few around the loop), where
; INSNS_PER_ITER is worked out, kernel by kernel, next to the code (search for "Cost:")
; and totalled by nasm at the end of this file.  The guest prints it.  Each emulator's
; result is the difference between an ITER=N run and an ITER=0 run:
;
;     instructions(N) - instructions(0) = N * INSNS_PER_ITER
;
; Nothing else in the run depends on ITER either (the report pads N to a fixed width), so
; an emulator's count of all the instructions of a run, such as `lab86 run --stats`, must
; show the same difference.
;
; Summed up, with F(n) the Fibonacci numbers and the sizes defined below:
;
;     INSNS_PER_ITER = 2 * (8 * INT_N + 6 * COPY_DWORDS + 70 * CRC_BYTES
;                           + 16 * F(FIB_N + 1) + 47) + 16
;                    = 2 * (65,536 + 98,304 + 71,680 + 66,896 + 47) + 16 = 604,942
;
; Costs count every instruction executed once, a CALL in its caller and a RET in its callee,
; and a conditional jump once whether taken or not.  The measured part uses no REP string
; instruction: emulators disagree on whether `rep movsd` is one instruction or one per
; repetition.
; Under QEMU with `-icount shift=0`, and in Bochs, the time stamp counter advances by one
; per instruction, so the RDTSC difference this guest prints checks the formula
; (bench/run.sh does that).
;
; The guest prints, on the 0xE9 debug console:
;
;     bench: self-test ok                      (CRC-32 and Fibonacci of known inputs)
;     bench: instructions per iteration K, iterations N
;     bench: checksum 0x........              (must be the same on every emulator)
;     bench: rdtsc delta 0x................    (instructions under QEMU -icount shift=0)
;     bench: done
;
; and then stops the machine in every way the three emulators understand: the value 0x10
; to the isa-debug-exit port 0xF4 (lab86 and QEMU exit with status 33), then the string
; "Shutdown" to port 0x8900 (Bochs), then HLT with interrupts off.  A failed self-test
; exits with 0x11 (status 35) after printing "bench: self-test FAILED".
;
; The image is a flat binary with a Multiboot v1 header using the "a.out kludge" (flag bit
; 16): the header gives the load address, the end of the file data, the end of the bss and
; the entry point, so any multiboot loader (lab86 --kernel, qemu -kernel) can load it.
; bench/boot.asm wraps the same binary in a boot floppy for Bochs, which has no multiboot
; loader.  The code expects nothing from its loader beyond flat 32-bit segments.

bits 32
cpu 686

%ifndef ITER
%define ITER 1
%endif

; ------------------------------------------------------------------------------------
; Constants
; ------------------------------------------------------------------------------------

PORT_DEBUGCON   equ 0xE9            ; lab86, QEMU -debugcon, Bochs port_e9_hack
PORT_EXIT       equ 0xF4            ; isa-debug-exit: exit status = (value << 1) | 1
PORT_BOCHS_SHUT equ 0x8900          ; Bochs: writing "Shutdown" here ends the simulation
EXIT_OK         equ 0x10            ; -> status 33
EXIT_FAIL       equ 0x11            ; -> status 35

MB_HEADER_MAGIC equ 0x1BADB002      ; Multiboot v1 header magic
MB_HF_AOUT      equ 1 << 16         ; header flag: use the address fields below
MB_FLAGS        equ MB_HF_AOUT

CR0_PG          equ 1 << 31         ; CR0.PG: paging enabled
PTE_P           equ 1 << 0          ; page table entry: present
PTE_W           equ 1 << 1          ; page table entry: writable

SEL_CODE        equ 0x08            ; our GDT: flat 32-bit code
SEL_DATA        equ 0x10            ; our GDT: flat data

; Sizes of the workloads (changing one changes INSNS_PER_ITER; the formulas follow it).
INT_N           equ 8192            ; k_int: loop iterations
COPY_BYTES      equ 65536           ; k_copy: bytes copied, 16 pages of source and of dest
COPY_DWORDS     equ COPY_BYTES / 4
CRC_BYTES       equ 1024            ; k_crc: bytes of the copy that are checksummed
FIB_N           equ 18              ; fib: argument, fib(18) = 2584 through 8361 calls

CRC_POLY        equ 0xEDB88320      ; CRC-32 (IEEE 802.3), bit-reversed polynomial

; ------------------------------------------------------------------------------------
; Sections of the flat binary: .text and .data are in the file, .bss is only zeroed.
; ------------------------------------------------------------------------------------

org 0x100000                        ; the conventional multiboot load address, 1 MiB
section .text
section .data align=16
section .bss align=4096

; ------------------------------------------------------------------------------------
; The multiboot header: the first thing in the file (a loader searches the first 8 KiB).
; ------------------------------------------------------------------------------------

section .text
mb_header:
    dd MB_HEADER_MAGIC
    dd MB_FLAGS
    dd -(MB_HEADER_MAGIC + MB_FLAGS) ; checksum: the three fields add up to 0
    dd mb_header                    ; header_addr: where this header is loaded
    dd mb_header                    ; load_addr: file offset 0 goes here
    dd image_data_end               ; load_end_addr: copy the file up to here
    dd image_bss_end                ; bss_end_addr: zero from load_end_addr up to here
    dd _start                       ; entry_addr

; Writing a string literal to the console: PRINT "text", 10 (registers preserved).
%macro PRINT 1+
    push esi
    mov esi, %%s
    call print_str
    pop esi
[section .data]
%%s: db %1, 0
__SECT__
%endmacro

; ------------------------------------------------------------------------------------
; Entry: set up, self-test, the measured loop, report, stop.
; ------------------------------------------------------------------------------------

global _start
_start:
    cli                             ; no interrupts: nothing here handles them
    mov esp, stack_top
    lgdt [gdt_ptr]                  ; our own flat GDT: a loader's may be anywhere
    jmp SEL_CODE:.reload_cs         ; a far jump is the only way to load CS
.reload_cs:
    mov ax, SEL_DATA
    mov ds, ax
    mov es, ax
    mov fs, ax
    mov gs, ax
    mov ss, ax
    ; Mask both 8259 PICs: a BIOS (Bochs, QEMU) leaves the timer on.  lab86's minimal
    ; machine has no PIC and drops the writes.
    mov al, 0xFF
    out 0xA1, al
    out 0x21, al

    call paging_init
    call data_init
    call self_test
    jmp main

; main: the measured part, bracketed by RDTSC.
main:
    rdtsc
    mov [tsc_start], eax
    mov [tsc_start + 4], edx
    ; Cost: 3 + ITER * (5 + ITERATION_COST).  With ITER = 0 only mov, test, jz run.
    mov ecx, ITER
    test ecx, ecx
    jz .measured_done
.next:
    push ecx                        ; the kernels use ECX
    call iteration
    pop ecx
    dec ecx
    jnz .next
.measured_done:
    rdtsc
    sub eax, [tsc_start]
    sbb edx, [tsc_start + 4]
    mov [tsc_delta], eax
    mov [tsc_delta + 4], edx
    jmp report

; ------------------------------------------------------------------------------------
; One iteration: the kernels with paging off, then with paging on.
; ------------------------------------------------------------------------------------

; iteration: Cost: 2 * (1 + KERNELS_COST) + 8 + 1 (the ret).
iteration:
    call kernels                    ; first half: linear address = physical address
    mov eax, pg_dir                 ; second half: through the page tables
    mov cr3, eax
    mov eax, cr0
    or eax, CR0_PG
    mov cr0, eax                    ; identity map: the next EIP is still valid
    call kernels
    mov eax, cr0
    and eax, ~CR0_PG
    mov cr0, eax
    ret

; kernels: each kernel after a TLB flush, its result mixed into the checksum.
; Cost: 4 * (1 + FLUSH_COST) + (1 + INT_COST) + (1 + COPY_COST) + 2 + (1 + CRC_COST)
;       + 1 + (1 + FIB_COST) + 4 * (1 + MIX_COST) + 1 (the ret).
kernels:
    call flush_tlb
    call k_int
    call mix
    call flush_tlb
    call k_copy
    call mix
    call flush_tlb
    mov esi, dst_buf                ; CRC-32 of the start of what k_copy just wrote
    mov ecx, CRC_BYTES
    call k_crc
    call mix
    call flush_tlb
    mov ecx, FIB_N
    call fib
    call mix
    ret

; flush_tlb: writing CR3 invalidates every (non-global) TLB entry [SDM vol. 3, 4.10.4.1].
; With paging off it only loads the register, so both halves run the same instructions.
; Cost: 3.
flush_tlb:
    mov eax, cr3
    mov cr3, eax
    ret

; mix: checksum = rol(checksum ^ eax, 5).  Cost: 4.
mix:
    xor eax, [checksum]
    rol eax, 5
    mov [checksum], eax
    ret

; ------------------------------------------------------------------------------------
; The kernels.  Each returns its result in EAX.
; ------------------------------------------------------------------------------------

; k_int: integer mixing, seeded from the checksum.  Clobbers EBX, ECX.
; Cost: 3 + 8 * INT_N + 2.
k_int:
    mov eax, [checksum]
    mov ebx, 0x9E3779B9             ; any odd constant
    mov ecx, INT_N
.loop:                              ; 8 instructions a turn
    add eax, ebx
    rol eax, 7
    xor ebx, eax
    imul ebx, ebx, 1103515245       ; the C library's LCG multiplier
    lea eax, [eax + 4 * ebx + 12345]
    sub ebx, ecx
    dec ecx
    jnz .loop
    xor eax, ebx
    ret

; k_copy: copy COPY_BYTES from src_buf to dst_buf.  The first source dword is the checksum
; so far, so every iteration copies (and k_crc checks) something new.
; Clobbers ECX, ESI, EDI.  Cost: 5 + 6 * COPY_DWORDS + 2.
k_copy:
    mov eax, [checksum]
    mov [src_buf], eax
    mov esi, src_buf
    mov edi, dst_buf
    mov ecx, COPY_DWORDS
.loop:                              ; 6 instructions a dword
    mov eax, [esi]
    mov [edi], eax
    add esi, 4
    add edi, 4
    dec ecx
    jnz .loop
    mov eax, [dst_buf + COPY_BYTES - 4]
    ret

; k_crc: CRC-32 of ECX bytes at ESI, one bit at a time, as in the textbook:
;     crc = ~0; for each byte b: crc ^= b; 8 times: crc = (crc >> 1) ^ (POLY & -(crc & 1))
;     result ~crc
; The mask -(crc & 1) replaces the usual "if (crc & 1)", so the count does not depend on
; the data.  Clobbers EBX, ECX, EDX, ESI.
; Cost: 1 + CRC_BYTES * (4 + 8 * 8 + 2) + 2   (ECX = CRC_BYTES).
k_crc:
    mov eax, 0xFFFFFFFF
.byte:                              ; 4 + 8 * 8 + 2 instructions a byte
    movzx edx, byte [esi]
    inc esi
    xor eax, edx
    mov ebx, 8
.bit:                               ; 8 instructions a bit
    mov edx, eax
    and edx, 1
    neg edx                         ; 0 or 0xFFFFFFFF
    and edx, CRC_POLY
    shr eax, 1
    xor eax, edx
    dec ebx
    jnz .bit
    dec ecx
    jnz .byte
    not eax
    ret

; fib: EAX = fib(ECX), by the definition: fib(n) = n for n < 2, else fib(n-1) + fib(n-2).
; Clobbers ECX, EDX.
; Cost: a call with n < 2 runs 4 instructions (cmp, jb, mov, ret); any other runs 12
; (including the two CALLs it makes).  fib(n) makes F(n+1) calls with n < 2 and F(n+1) - 1
; others (a binary tree with F(n+1) leaves), so FIB_COST = 16 * F(FIB_N + 1) - 12.
fib:
    cmp ecx, 2
    jb .base
    push ecx
    dec ecx
    call fib                        ; fib(n - 1)
    pop ecx
    push eax
    sub ecx, 2
    call fib                        ; fib(n - 2)
    pop edx
    add eax, edx
    ret
.base:
    mov eax, ecx
    ret

; ------------------------------------------------------------------------------------
; Set-up and self-test (not measured: the same in every build).
; ------------------------------------------------------------------------------------

; paging_init: a page directory whose first entry points at a page table that maps the
; first 4 MiB (1024 pages of 4 KiB) to themselves [SDM vol. 3, 4.3].  Paging stays off.
paging_init:
    mov edi, pg_dir
    mov ecx, 1024
    xor eax, eax
    rep stosd                       ; every other 4 MiB: not present
    mov dword [pg_dir], pg_table0 + (PTE_P | PTE_W)
    mov edi, pg_table0
    mov eax, PTE_P | PTE_W          ; page 0 at physical 0
    mov ecx, 1024
.fill:
    stosd
    add eax, 4096                   ; the next page frame
    loop .fill
    ret

; data_init: fill src_buf with a pseudo-random pattern (a 32-bit LCG).
data_init:
    mov edi, src_buf
    mov ecx, COPY_DWORDS
    mov eax, 12345
.fill:
    imul eax, eax, 1664525          ; Numerical Recipes' LCG
    add eax, 1013904223
    stosd
    loop .fill
    mov dword [checksum], 0x6C616238 ; "lab8": the starting checksum
    ret

; self_test: each kernel on an input with a known answer.
self_test:
    mov esi, crc_check_input
    mov ecx, 9
    call k_crc
    cmp eax, 0xCBF43926             ; CRC-32("123456789"), the standard check value
    jne .fail
    mov ecx, 20
    call fib
    cmp eax, 6765                   ; fib(20)
    jne .fail
    PRINT "bench: self-test ok", 10
    ret
.fail:
    PRINT "bench: self-test FAILED", 10
    mov al, EXIT_FAIL
    jmp stop

; report: the results, then stop.
report:
    PRINT "bench: instructions per iteration "
    mov eax, INSNS_PER_ITER
    call print_dec
    mov esi, str_iterations         ; ", iterations N", N padded to a fixed width
    call print_str
    PRINT "bench: checksum 0x"
    mov eax, [checksum]
    call print_hex
    PRINT 10, "bench: rdtsc delta 0x"
    mov eax, [tsc_delta + 4]
    call print_hex
    mov eax, [tsc_delta]
    call print_hex
    PRINT 10, "bench: done", 10
    mov al, EXIT_OK
    jmp stop

; stop: end the run with exit value AL, whichever emulator this is.
stop:
    out PORT_EXIT, al               ; lab86, QEMU: the run ends here
    mov esi, str_shutdown           ; Bochs: the shutdown port [Bochs iodev/unmapped.cc]
    mov dx, PORT_BOCHS_SHUT
.shut:
    lodsb
    test al, al
    jz .halt
    out dx, al
    jmp .shut
.halt:
    cli
    hlt                             ; anything else: halt with interrupts off
    jmp .halt

; ------------------------------------------------------------------------------------
; Console output on port 0xE9.  All preserve every register.
; ------------------------------------------------------------------------------------

print_str:                          ; ESI -> zero-terminated string
    push eax
    push esi
.next:
    lodsb
    test al, al
    jz .done
    out PORT_DEBUGCON, al
    jmp .next
.done:
    pop esi
    pop eax
    ret

print_hex:                          ; EAX as 8 hex digits
    pushad
    mov edx, eax
    mov ecx, 8
.digit:
    rol edx, 4
    mov eax, edx
    and eax, 0xF
    mov al, [hex_digits + eax]
    out PORT_DEBUGCON, al
    loop .digit
    popad
    ret

print_dec:                          ; EAX as an unsigned decimal
    pushad
    mov ebx, 10
    xor ecx, ecx
.div:
    xor edx, edx
    div ebx
    push edx                        ; digits come out last first
    inc ecx
    test eax, eax
    jnz .div
.out:
    pop eax
    add al, '0'
    out PORT_DEBUGCON, al
    loop .out
    popad
    ret

; ------------------------------------------------------------------------------------
; The instruction count, from the "Cost:" lines above.
; ------------------------------------------------------------------------------------

%assign FIB_A 0                     ; F(0)
%assign FIB_B 1                     ; F(1)
%rep FIB_N
  %assign FIB_T FIB_A + FIB_B
  %assign FIB_A FIB_B
  %assign FIB_B FIB_T
%endrep                             ; now FIB_B = F(FIB_N + 1)

FLUSH_COST      equ 3
MIX_COST        equ 4
INT_COST        equ 3 + 8 * INT_N + 2
COPY_COST       equ 5 + 6 * COPY_DWORDS + 2
CRC_COST        equ 1 + CRC_BYTES * (4 + 8 * 8 + 2) + 2
FIB_COST        equ 16 * FIB_B - 12
KERNELS_COST    equ 4 * (1 + FLUSH_COST) + (1 + INT_COST) + (1 + COPY_COST) + 2 \
                    + (1 + CRC_COST) + 1 + (1 + FIB_COST) + 4 * (1 + MIX_COST) + 1
ITERATION_COST  equ 2 * (1 + KERNELS_COST) + 8 + 1
INSNS_PER_ITER  equ 5 + ITERATION_COST

; ------------------------------------------------------------------------------------
; Data
; ------------------------------------------------------------------------------------

section .data
align 8
gdt:
    dq 0                            ; 0x00 null
    dq 0x00CF9A000000FFFF           ; 0x08 code: base 0, limit 4 GiB, 32-bit, execute/read
    dq 0x00CF92000000FFFF           ; 0x10 data: base 0, limit 4 GiB, read/write
gdt_end:
    dw 0
gdt_ptr:
    dw gdt_end - gdt - 1            ; limit
    dd gdt                          ; base

hex_digits:      db "0123456789abcdef"
crc_check_input: db "123456789"
str_shutdown:    db "Shutdown", 0
; ITER as text, written by nasm and padded with spaces to 10 characters: printing it costs
; the same for every ITER, so even the whole run's instruction count is linear in ITER.
%defstr ITER_TEXT ITER
%strlen ITER_LEN ITER_TEXT
str_iterations:  db ", iterations ", ITER_TEXT
                 times 10 - ITER_LEN db " "
                 db 10, 0
align 4
checksum:        dd 0               ; the running checksum of every kernel's result
tsc_start:       dq 0               ; RDTSC before the measured loop
tsc_delta:       dq 0               ; RDTSC after it, minus tsc_start
image_data_end:                     ; the multiboot loader copies the file up to here

section .bss
alignb 4096
pg_dir:          resb 4096          ; page directory: one entry used
pg_table0:       resb 4096          ; page table: 0..4 MiB identity map
src_buf:         resb COPY_BYTES    ; k_copy's source
dst_buf:         resb COPY_BYTES    ; k_copy's destination, k_crc's input
                 resb 16384
stack_top:
image_bss_end:                      ; the loader zeroes up to here
