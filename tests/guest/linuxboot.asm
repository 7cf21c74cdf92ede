; linuxboot.asm -- the machine state the Linux/x86 32-bit boot protocol hands to a kernel.
;
; Built with LINUX_BZIMAGE (lib.inc) as a fake bzImage: a setup header ("HdrS", protocol
; 2.15, LOADED_HIGH, 4 setup sectors) and this code at file offset 5 * 512, which the
; loader copies to 1 MiB.  run.sh boots it with 32 MiB of RAM, --append WANT_CMDLINE and
; --initrd linuxboot.initrd: 4 KiB that start with "INIT" and end with "RDND" (guest.mk).
;
; What Documentation/arch/x86/boot.rst ("32-bit boot protocol") promises, checked here
; from the values lib.inc's _start saved:
;   * ESI = boot_params, with the kernel's setup header copied in at 0x1F1 ("HdrS" at
;     0x202, version 0x020F); EBX = EDI = EBP = 0;
;   * CS = __BOOT_CS (0x10), DS = ES = SS = __BOOT_DS (0x18); IF = 0; paging off;
;   * the loader's fields: type_of_loader 0xFF, vid_mode 0xFFFF, LOADED_HIGH and
;     CAN_USE_HEAP in loadflags, cmd_line_ptr -> the --append string, ramdisk_image and
;     ramdisk_size -> the initrd (page aligned, its first and last dwords intact);
;   * what the 16-bit setup would have learned from the BIOS: the E820 map (four entries
;     at 0x2D0, the count at 0x1E8), alt_mem_k, and screen_info (mode 3, 80x25, VGA).

%define LINUX_BZIMAGE
%include "lib.inc"

BP_SCREEN_MODE  equ 0x006
BP_SCREEN_COLS  equ 0x007
BP_SCREEN_LINES equ 0x00E
BP_SCREEN_ISVGA equ 0x00F
BP_ALT_MEM_K    equ 0x1E0
BP_E820_ENTRIES equ 0x1E8
BP_VID_MODE     equ 0x1FA
BP_HDR_MAGIC    equ 0x202
BP_VERSION      equ 0x206
BP_LOADER_TYPE  equ 0x210
BP_LOADFLAGS    equ 0x211
BP_RAMDISK_IMG  equ 0x218
BP_RAMDISK_SIZE equ 0x21C
BP_CMD_LINE_PTR equ 0x228
BP_E820_TABLE   equ 0x2D0
E820_ENTRY      equ 20
INITRD_SIZE     equ 4096
RAM_TOP         equ 32 * 1024 * 1024

section .text
test_main:
    CHECK_EQ "esi_is_zero_page", dword [entry_esi], 0x90000
    CHECK_EQ "ebx_zero", dword [entry_ebx], 0
    CHECK_EQ "edi_zero", dword [entry_edi], 0
    CHECK_EQ "ebp_zero", dword [entry_ebp], 0
    CHECK_EQ "cs_boot_cs", dword [entry_cs], 0x10
    CHECK_EQ "ds_boot_ds", dword [entry_ds], 0x18
    CHECK_EQ "es_boot_ds", dword [entry_es], 0x18
    CHECK_EQ "ss_boot_ds", dword [entry_ss], 0x18
    CHECK_MASK "eflags_if_clear", dword [entry_eflags], EFL_IF, 0
    CHECK_MASK "cr0_pe_set_pg_clear", dword [entry_cr0], CR0_PE | CR0_PG, CR0_PE

    mov ebx, [entry_esi]
    CHECK_EQ "hdr_magic", dword [ebx + BP_HDR_MAGIC], "HdrS"
    movzx eax, word [ebx + BP_VERSION]
    CHECK_EQ "hdr_version", eax, 0x020F
    movzx eax, byte [ebx + BP_LOADER_TYPE]
    CHECK_EQ "type_of_loader", eax, 0xFF
    movzx eax, byte [ebx + BP_LOADFLAGS]
    CHECK_EQ "loadflags_high_heap", eax, 0x81
    movzx eax, word [ebx + BP_VID_MODE]
    CHECK_EQ "vid_mode_normal", eax, 0xFFFF
    CHECK_EQ "alt_mem_k", dword [ebx + BP_ALT_MEM_K], (RAM_TOP - 0x100000) / 1024
    call check_screen
    call check_e820
    call check_initrd
    call check_cmdline
    ret

; screen_info: mode 3, 80 x 25, VGA.
check_screen:
    movzx eax, byte [ebx + BP_SCREEN_MODE]
    CHECK_EQ "screen_mode_3", eax, 3
    movzx eax, byte [ebx + BP_SCREEN_COLS]
    CHECK_EQ "screen_cols_80", eax, 80
    movzx eax, byte [ebx + BP_SCREEN_LINES]
    CHECK_EQ "screen_lines_25", eax, 25
    movzx eax, byte [ebx + BP_SCREEN_ISVGA]
    CHECK_EQ "screen_is_vga", eax, 1
    ret

; Four E820 entries, each compared (base, length low dwords, type) with want_e820.
check_e820:
    movzx eax, byte [ebx + BP_E820_ENTRIES]
    CHECK_EQ "e820_entries", eax, 4
    lea esi, [ebx + BP_E820_TABLE]
    mov edi, want_e820
    xor ecx, ecx
.next:
    mov eax, [esi]
    cmp eax, [edi]
    jne .bad
    mov eax, [esi + 8]
    cmp eax, [edi + 4]
    jne .bad
    mov eax, [esi + 16]
    cmp eax, [edi + 8]
    jne .bad
    mov eax, [esi + 4]              ; high dwords of base and length: 0
    or eax, [esi + 12]
    jnz .bad
    add esi, E820_ENTRY
    add edi, 12
    inc ecx
    cmp ecx, 4
    jb .next
    PASS "e820_table"
    ret
.bad:
    mov eax, ecx
    PRINT "info: e820 entry "
    call print_dec
    PRINTLN " differs"
    FAIL "e820_table", "an entry is not the ISA PC's map"
    ret

; The initrd: 4 KiB, page aligned, at the top of RAM, "INIT" ... "RDND".
check_initrd:
    CHECK_EQ "ramdisk_size", dword [ebx + BP_RAMDISK_SIZE], INITRD_SIZE
    CHECK_EQ "ramdisk_image_top", dword [ebx + BP_RAMDISK_IMG], RAM_TOP - INITRD_SIZE
    mov esi, [ebx + BP_RAMDISK_IMG]
    CHECK_EQ "initrd_first_dword", dword [esi], "INIT"
    CHECK_EQ "initrd_last_dword", dword [esi + INITRD_SIZE - 4], "RDND"
    ret

; The command line at cmd_line_ptr must be the --append string, byte for byte.
check_cmdline:
    mov esi, [ebx + BP_CMD_LINE_PTR]
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
    FAIL "cmdline_is_append", "the command line is not the --append string"
    ret

section .data
want_cmdline: db "console=ttyS0 lab86=linuxboot", 0
want_e820:                          ; base, length, type (1 RAM, 2 reserved)
    dd 0x00000, 0x9FC00, 1
    dd 0x9FC00, 0x00400, 2
    dd 0xF0000, 0x10000, 2
    dd 0x100000, RAM_TOP - 0x100000, 1
