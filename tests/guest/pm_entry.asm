; pm_entry.asm -- the machine state a multiboot v1 loader hands to the kernel.
;
; Built as a flat binary whose multiboot header sets flag bit 16 (the "a.out kludge"):
; the loader must take load_addr, load_end_addr, bss_end_addr and entry_addr from the
; header instead of ELF program headers.  The other tests are ELF, so between them both
; loader paths are covered.  Run with 32 MiB of RAM and the command line "hello world".
;
; What the multiboot v1 specification (section 3.2, "Machine state") promises, and what
; is checked here, from the values lib.inc's _start saved before touching anything:
;
;   * EAX = 0x2BADB002, EBX = physical address of the multiboot information;
;   * info flags bit 0 (mem_lower/mem_upper) and bit 2 (cmdline) set; mem_lower = 639
;     KiB (conventional memory minus the 1 KiB EBDA, what INT 12h reports on a PC);
;     mem_upper = 31744 KiB (32 MiB - 1 MiB, memory above 1 MiB up to the first hole);
;     the command line is exactly "hello world";
;   * CS a 32-bit execute/read code segment and DS, ES, SS read/write data segments,
;     all with base 0 and limit 4 GiB  [Intel SDM vol. 3, 3.4.5 segment descriptors];
;   * EFLAGS.IF = 0 and VM = 0; CR0.PE = 1 and CR0.PG = 0  [vol. 3, 2.3 and 2.5];
;   * the bytes between load_end_addr and bss_end_addr are zero, even though the file
;     holds non-zero "poison" bytes there (see IMAGE_END in lib.inc).
;
; The segment checks read the descriptors from the loader's GDT (through the GDTR saved
; at entry): the multiboot spec says the GDTR "may be invalid", so a loader that loads
; hidden segment state without a real GDT fails them.  GRUB and QEMU leave a real GDT;
; lab86's direct loader must too.
;
; QEMU differs from lab86's loader contract in two places, both listed in run-qemu.sh as
; known divergences (loader conventions, not CPU behaviour; the multiboot spec allows
; both):
;   * cmdline_is_append: QEMU passes "<kernel file name> hello world" (as GRUB legacy
;     does), not the -append string alone;
;   * mem_upper_32m: SeaBIOS reserves the top 128 KiB of RAM for ACPI tables in its
;     E820 map, so QEMU reports 31616 KiB.  The spec only says mem_upper is at most
;     "the address of the first upper memory hole minus 1 MiB"; lab86 has no firmware
;     tables there and reports all of it.

%define MB_AOUT_KLUDGE
%include "lib.inc"

section .text
test_main:
    CHECK_EQ "eax_boot_magic", dword [entry_eax], MB_BOOT_MAGIC
    mov ebx, [entry_ebx]
    CHECK_MASK "mbi_flags_mem", dword [ebx + MBI_FLAGS], MB_IF_MEM, MB_IF_MEM
    CHECK_MASK "mbi_flags_cmdline", dword [ebx + MBI_FLAGS], MB_IF_CMDLINE, MB_IF_CMDLINE
    CHECK_EQ "mem_lower_639k", dword [ebx + MBI_MEM_LOWER], 639
    CHECK_EQ "mem_upper_32m", dword [ebx + MBI_MEM_UPPER], (32 * 1024) - 1024
    call check_cmdline

    CHECK_MASK "eflags_if_clear", dword [entry_eflags], EFL_IF, 0
    CHECK_MASK "eflags_vm_clear", dword [entry_eflags], EFL_VM, 0
    CHECK_MASK "cr0_pe_set", dword [entry_cr0], CR0_PE, CR0_PE
    CHECK_MASK "cr0_pg_clear", dword [entry_cr0], CR0_PG, 0

    mov eax, [entry_cs]
    mov ebx, cs_names
    mov dl, 1                       ; code
    call check_flat_segment
    mov eax, [entry_ds]
    mov ebx, ds_names
    mov dl, 0
    call check_flat_segment
    mov eax, [entry_es]
    mov ebx, es_names
    call check_flat_segment
    mov eax, [entry_ss]
    mov ebx, ss_names
    call check_flat_segment

    call check_bss_zeroed
    ret

; The command line must be the --append string, byte for byte.
check_cmdline:
    mov ebx, [entry_ebx]
    mov esi, [ebx + MBI_CMDLINE]
    PRINT "info: cmdline '"
    call print_str
    PRINTLN "'"
    mov edi, want_cmdline
.cmp:
    mov al, [esi]
    cmp al, [edi]
    jne .bad
    inc esi
    inc edi
    test al, al
    jnz .cmp
    PASS "cmdline_is_append"
    ret
.bad:
    FAIL "cmdline_is_append", "command line is not exactly 'hello world'"
    ret

; check_flat_segment(eax = selector, ebx -> 4 check names, dl = 1 for code):
; decode the selector's descriptor in the loader's GDT [3.4.5, figure 3-8].
check_flat_segment:
    test eax, 4                     ; TI: a GDT selector (there is no LDT at entry)
    jnz .ldt
    and eax, 0xFFF8
    movzx ecx, word [entry_gdtr]
    cmp eax, ecx
    ja .beyond
    add eax, [entry_gdtr + 2]
    mov esi, eax                    ; esi -> descriptor
    ; base = bytes 2, 3, 4, 7
    movzx eax, word [esi + 2]
    movzx ecx, byte [esi + 4]
    shl ecx, 16
    or eax, ecx
    movzx ecx, byte [esi + 7]
    shl ecx, 24
    or eax, ecx
    push dword 0
    push eax
    push dword [ebx]
    call check_eq
    ; limit = bytes 0, 1 and the low nibble of 6, scaled by G
    movzx eax, word [esi]
    movzx ecx, byte [esi + 6]
    and ecx, 0x0F
    shl ecx, 16
    or eax, ecx
    test byte [esi + 6], 0x80       ; G
    jz .bytes
    shl eax, 12
    or eax, 0xFFF
.bytes:
    push dword 0xFFFFFFFF
    push eax
    push dword [ebx + 4]
    call check_eq
    ; type: present, S=1, code execute/read or data read/write (accessed ignored)
    movzx eax, byte [esi + 5]
    mov ecx, 0x9A                   ; P, S, code, readable
    test dl, dl
    jnz .type
    mov ecx, 0x92                   ; P, S, data, writable, expand-up
.type:
    push ecx
    push dword 0xFE
    push eax
    push dword [ebx + 8]
    call check_mask
    ; D/B = 1: 32-bit code, 32-bit stack
    movzx eax, byte [esi + 6]
    push dword 0x40
    push dword 0x40
    push eax
    push dword [ebx + 12]
    call check_mask
    ret
.ldt:
.beyond:
    push str_bad_sel
    push dword [ebx]
    call report_fail
    ret

; load_end_addr .. bss_end_addr must be zero, though the file has 0xA5 bytes there.
check_bss_zeroed:
    mov edi, image_data_end
    mov ecx, 4096 / 4
    xor eax, eax
    repe scasd
    jne .bad
    PASS "bss_zeroed_past_load_end"
    ret
.bad:
    FAIL "bss_zeroed_past_load_end", "found non-zero bytes after load_end_addr"
    ret

section .data
want_cmdline: db "hello world", 0
str_bad_sel:  db "selector is not in the loader's GDT", 0
%macro SEG_NAMES 2
%1:
    dd %%base, %%limit, %%type, %%size
%%base:  db %2, "_base_0", 0
%%limit: db %2, "_limit_4g", 0
%%type:  db %2, "_type", 0
%%size:  db %2, "_32bit", 0
%endmacro
SEG_NAMES cs_names, "cs"
SEG_NAMES ds_names, "ds"
SEG_NAMES es_names, "es"
SEG_NAMES ss_names, "ss"

IMAGE_END
