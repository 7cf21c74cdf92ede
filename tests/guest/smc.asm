; smc.asm -- self-modifying code: a store into code must change what runs next.
;
; Intel SDM vol. 3, 11.6 "Self-Modifying Code": a write to a code byte that is about to
; execute is seen by the processor (the Pentium and later snoop their prefetch queue and
; decoded-instruction caches; software that must also run on a 486 puts a jump between
; the store and the code).  lab86's threaded core decodes basic blocks once and keeps
; them by physical address, so these are the cases it has to get right
; (core/interp/tcache.h):
;
;   next_immediate    the store patches the immediate of the very next instruction, in
;                     the block that is running (no jump in between);
;   later_in_block    the store patches an instruction a few instructions further on in
;                     the same block;
;   loop_rewrites     a loop body increments an immediate inside itself on every
;                     iteration (read-modify-write on code; the next iteration re-enters
;                     a block that was written);
;   other_page        with paging on, a routine in another page is called (and so
;                     cached), patched, and called again;
;   alias_write       the same routine patched through a second linear address that maps
;                     the same physical page: the cache is keyed by physical address, so
;                     a write through any mapping must drop the decoded code;
;   rep_movsb_routine REP MOVSB copies a new routine over an old one that has run,
;                     then the routine is called.
;
; Each case runs its code at least once before patching, so a stale decoded copy
; exists to be found; the first runs check the unpatched answers too.

%include "lib.inc"

LIN_ALIAS equ 0x00800000            ; PDE 2: maps the page of other_fn a second time

section .text
test_main:
    call t_next_immediate
    call t_later_in_block
    call t_loop_rewrites
    call paging_init
    call map_alias
    call paging_on
    call t_other_page
    call t_alias_write
    call t_rep_movsb
    call paging_off
    ret

; The immediate of the next instruction, three times over (the first pass decodes the
; block with the old immediate before the store runs).
t_next_immediate:
    mov ecx, 3
.again:
    mov [.insn + 1], ecx            ; B8 imm32: patch the imm32 of the MOV below
.insn:
    mov eax, 0x11111111
    cmp eax, ecx
    jne .bad
    loop .again
    PASS "next_immediate"
    ret
.bad:
    FAIL "next_immediate", "the MOV after the store ran with its old immediate"
    ret

; An instruction further on in the same block.
t_later_in_block:
    mov edx, 0
.again:
    inc edx
    mov [.later + 1], edx           ; patch the imm32 of .later, four instructions on
    mov ebx, edx
    add ebx, 1
    sub ebx, 1
.later:
    mov eax, 0x22222222
    cmp eax, edx
    jne .bad
    cmp edx, 3
    jb .again
    PASS "later_in_block"
    ret
.bad:
    FAIL "later_in_block", "an instruction later in the block ran unpatched"
    ret

; add ebx, imm8 whose imm8 the loop increments: ebx = 0 + 1 + ... + 9 = 45.
t_loop_rewrites:
    mov byte [.add + 2], 0
    xor ebx, ebx
    mov ecx, 10
.loop:
.add:
    add ebx, byte 0                 ; 83 C3 ib
    inc byte [.add + 2]
    loop .loop
    CHECK_EQ "loop_rewrites", ebx, 45
    ret

; PDE 2 -> pt_alias, whose first PTE maps other_fn's physical page at LIN_ALIAS.
map_alias:
    push eax
    mov dword [pg_dir + (LIN_ALIAS >> 22) * 4], pt_alias + (PTE_P | PTE_W)
    mov eax, other_fn
    and eax, ~0xFFF
    or eax, PTE_P | PTE_W
    mov [pt_alias], eax
    pop eax
    ret

t_other_page:
    call other_fn
    CHECK_EQ "other_page_before", eax, 0x33333333
    mov dword [other_fn + 1], 0x44444444
    call other_fn
    CHECK_EQ "other_page_patched", eax, 0x44444444
    ret

t_alias_write:
    call other_fn                   ; cached again
    mov eax, other_fn
    and eax, 0xFFF
    mov dword [LIN_ALIAS + eax + 1], 0x55555555
    call other_fn
    CHECK_EQ "alias_write", eax, 0x55555555
    mov eax, other_fn
    and eax, 0xFFF
    add eax, LIN_ALIAS
    call eax                        ; the same physical code through the alias
    CHECK_EQ "alias_execute", eax, 0x55555555
    ret

t_rep_movsb:
    call old_routine
    CHECK_EQ "routine_before", eax, 1
    mov esi, new_routine
    mov edi, old_routine
    mov ecx, new_routine_end - new_routine
    cld
    rep movsb
    mov ecx, 5
    call old_routine
    CHECK_EQ "rep_movsb_routine", eax, 0x66666666 + 5
    ret

; In a page of its own, apart from the code that patches it.
section .text
align 4096
other_fn:
    mov eax, 0x33333333
    ret

old_routine:
    mov eax, 1
    nop
    nop
    nop
    nop
    nop
    nop
    nop
    nop
    nop
    nop
    ret

section .data
; The replacement: eax = 0x66666666 + ecx.  Longer than the first instructions of
; old_routine, so the copy rewrites instruction boundaries too.
new_routine:
    mov eax, 0x66666666
    add eax, ecx
    ret
new_routine_end:

section .bss
alignb 4096
pt_alias:
    resd 1024
