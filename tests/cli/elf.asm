; elf.asm -- an ELF32 multiboot kernel written out by hand, so that the test needs no
; linker: the ELF header, one PT_LOAD program header, the multiboot header (flag bit 16
; clear: the loader must read the program header), then code that prints "ELF" on the
; 0xE9 console and exits with 0x10 (status 33).
;
; Built with -DTRUNCATED, the program header claims 64 KiB of file bytes the file does not
; have: the loader must refuse it before touching memory.
;
; ELF layout: System V ABI, "ELF header" and "Program header"; i386 supplement.

bits 32
BASE    equ 0x100000                        ; where the file's first byte is loaded
org BASE

ehdr:
    db 0x7F, "ELF"                          ; e_ident: magic
    db 1                                    ; ELFCLASS32
    db 1                                    ; ELFDATA2LSB
    db 1                                    ; EV_CURRENT
    times 9 db 0                            ; OS ABI, ABI version, padding
    dw 2                                    ; e_type: ET_EXEC
    dw 3                                    ; e_machine: EM_386
    dd 1                                    ; e_version
    dd start                                ; e_entry
    dd phdr - ehdr                          ; e_phoff
    dd 0                                    ; e_shoff: no section headers
    dd 0                                    ; e_flags
    dw 52                                   ; e_ehsize
    dw 32                                   ; e_phentsize
    dw 1                                    ; e_phnum
    dw 0, 0, 0                              ; e_shentsize, e_shnum, e_shstrndx

phdr:
    dd 1                                    ; p_type: PT_LOAD
    dd 0                                    ; p_offset: from the file's first byte
    dd BASE                                 ; p_vaddr
    dd BASE                                 ; p_paddr: what a multiboot loader uses
%ifdef TRUNCATED
    dd 0x10000                              ; p_filesz: far more than the file holds
    dd 0x10000                              ; p_memsz
%else
    dd file_end - ehdr                      ; p_filesz
    dd file_end - ehdr + 4096               ; p_memsz: 4 KiB of bss after the file
%endif
    dd 5                                    ; p_flags: R X
    dd 4096                                 ; p_align

MB_MAGIC equ 0x1BADB002
MB_FLAGS equ 1 << 1                         ; memory information; no a.out kludge
align 4
    dd MB_MAGIC, MB_FLAGS, -(MB_MAGIC + MB_FLAGS)

start:
    mov al, 'E'
    out 0xE9, al
    mov al, 'L'
    out 0xE9, al
    mov al, 'F'
    out 0xE9, al
    mov eax, [file_end]                     ; bss: zeroed by the loader
    test eax, eax
    jnz .fail
    mov al, 0x10
    out 0xF4, al
.fail:
    mov al, 0x11
    out 0xF4, al
file_end:
