; string.asm -- REP MOVS, STOS and LODS in the patterns kernels use them for.
;
; lab86 runs a REP string instruction a page at a time when it can
; (core/interp/ops_string_fast.c) and element by element otherwise; the answer must be
; the element-by-element one of the SDM (vol. 2, MOVS/STOS/LODS and REP) in every case.
; Each result here is checked against the same work done by plain MOV loops, or against
; values worked out in the comments:
;
;   memcpy            REP MOVSD from a misaligned source to a misaligned destination,
;                     12 KiB across page ends, then REP MOVSB for the tail;
;   memset            REP STOSB and REP STOSD across page ends, the bytes around untouched;
;   replicate         REP MOVSB with EDI = ESI + 1: the first byte fills the buffer;
;   overlap_dword     REP MOVSD with EDI = ESI + 1: a dword pattern shifted by one, as a
;                     MOV loop makes it (a memmove would not);
;   backward          STD; REP MOVSD with EDI = ESI - 1, the harmful overlap going down;
;   lods              REP LODSD leaves the last dword in EAX;
;   wrap16            REP STOSD with 16-bit addressing (67 prefix) wraps DI from FFFC to
;                     0000 in a segment whose limit is 4 GiB;
;   patch_code        REP MOVSB, then STD; REP MOVSD, copy new code over a routine that
;                     has run (and is cached), the routine in the middle of the copy;
;   fault_midway      with paging on, a REP MOVSD whose destination runs into a page not
;                     present: #PF with ECX/ESI/EDI describing the elements done, CR2 the
;                     first byte not written; mapped again, the instruction finishes.
;
; Under paging every case but wrap16 runs again, through the page tables.

%include "lib.inc"

BUF             equ 12288           ; bytes in each buffer: three pages
SEL_WRAP        equ SEL_FREE        ; a flat 4 GiB data segment based at wrapbuf

section .text
test_main:
    call all_cases
    call t_wrap16
    call paging_init
    call paging_on
    call all_cases
    call t_fault_midway
    call paging_off
    ret

all_cases:
    cld
    call t_memcpy
    call t_memset
    call t_replicate
    call t_overlap_dword
    call t_backward
    call t_lods
    call t_patch_code
    ret

; fill(edi = buffer, ecx = bytes): byte k = k * 7 + 3 + k / 256 (no period of 1, 2 or 4)
fill:
    pushad
    xor ebx, ebx
.next:
    mov eax, ebx
    imul eax, eax, 7
    add eax, 3
    mov edx, ebx
    shr edx, 8
    add eax, edx
    mov [edi + ebx], al
    inc ebx
    cmp ebx, ecx
    jb .next
    popad
    ret

; differ(esi, edi, ecx = bytes) -> eax = how many bytes differ
differ:
    push ebx
    push ecx
    push edx
    xor eax, eax
    xor ebx, ebx
.next:
    mov dl, [esi + ebx]
    cmp dl, [edi + ebx]
    je .same
    inc eax
.same:
    inc ebx
    cmp ebx, ecx
    jb .next
    pop edx
    pop ecx
    pop ebx
    ret

; count_not(edi, ecx = bytes, al = value) -> eax = how many bytes are not al
count_not:
    push ebx
    push edx
    mov dl, al
    xor eax, eax
    xor ebx, ebx
.next:
    cmp [edi + ebx], dl
    je .same
    inc eax
.same:
    inc ebx
    cmp ebx, ecx
    jb .next
    pop edx
    pop ebx
    ret

t_memcpy:
    mov edi, buf_a
    mov ecx, BUF
    call fill
    mov edi, buf_b
    mov ecx, BUF
    xor eax, eax
    rep stosb
    cld
    mov esi, buf_a + 3
    mov edi, buf_b + 1
    mov ecx, (BUF - 8) / 4
    rep movsd
    mov ecx, 3
    rep movsb
    CHECK_EQ "memcpy_esi", esi, buf_a + 3 + BUF - 8 + 3
    CHECK_EQ "memcpy_edi", edi, buf_b + 1 + BUF - 8 + 3
    mov esi, buf_a + 3
    mov edi, buf_b + 1
    mov ecx, BUF - 8 + 3
    call differ
    CHECK_EQ "memcpy", eax, 0
    CHECK_EQ "memcpy_after", dword [buf_b + BUF - 4], 0
    ret

t_memset:
    mov edi, buf_b
    mov ecx, BUF
    xor eax, eax
    rep stosb
    mov edi, buf_b + 5
    mov ecx, 5000
    mov al, 0x5A
    rep stosb
    CHECK_EQ "memset_edi", edi, buf_b + 5005
    mov edi, buf_b + 5
    mov ecx, 5000
    mov al, 0x5A
    call count_not
    CHECK_EQ "memset_bytes", eax, 0
    mov edi, buf_b + 0x1802
    mov ecx, 1000
    mov eax, 0x44332211
    rep stosd
    CHECK_EQ "memset_dword_first", dword [buf_b + 0x1802], 0x44332211
    CHECK_EQ "memset_dword_last", dword [buf_b + 0x1802 + 3996], 0x44332211
    CHECK_EQ "memset_dword_page", dword [buf_b + 0x2000], 0x22114433
    CHECK_EQ "memset_around", dword [buf_b + 0x1802 + 4000], 0
    CHECK_EQ "memset_before", dword [buf_b + 1], 0
    ret

t_replicate:
    mov edi, buf_a
    mov ecx, BUF
    call fill
    mov byte [buf_a + 100], 0xC3
    mov esi, buf_a + 100
    mov edi, buf_a + 101
    mov ecx, 6000
    rep movsb
    mov edi, buf_a + 100
    mov ecx, 6001
    mov al, 0xC3
    call count_not
    CHECK_EQ "replicate", eax, 0
    ret

; The same overlapping copy twice: by REP MOVSD in buf_a, by a MOV loop in buf_b.
t_overlap_dword:
    mov edi, buf_a
    mov ecx, BUF
    call fill
    mov edi, buf_b
    mov ecx, BUF
    call fill
    mov esi, buf_a + 10
    mov edi, buf_a + 11
    mov ecx, 2500
    rep movsd
    mov esi, buf_b + 10
    mov edi, buf_b + 11
    mov ecx, 2500
.loop:
    mov eax, [esi]
    mov [edi], eax
    add esi, 4
    add edi, 4
    loop .loop
    mov esi, buf_a
    mov edi, buf_b
    mov ecx, BUF
    call differ
    CHECK_EQ "overlap_dword", eax, 0
    ret

t_backward:
    mov edi, buf_a
    mov ecx, BUF
    call fill
    mov edi, buf_b
    mov ecx, BUF
    call fill
    std
    mov esi, buf_a + BUF - 8
    mov edi, buf_a + BUF - 9
    mov ecx, 2600
    rep movsd
    cld
    CHECK_EQ "backward_esi", esi, buf_a + BUF - 8 - 2600 * 4
    mov esi, buf_b + BUF - 8
    mov edi, buf_b + BUF - 9
    mov ecx, 2600
.loop:
    mov eax, [esi]
    mov [edi], eax
    sub esi, 4
    sub edi, 4
    loop .loop
    mov esi, buf_a
    mov edi, buf_b
    mov ecx, BUF
    call differ
    CHECK_EQ "backward", eax, 0
    ret

; dword k of buf_a = 3k + 1; LODSD over 1500 of them from dword 7 leaves dword 1506.
t_lods:
    xor ebx, ebx
.fill:
    lea eax, [ebx * 2 + ebx + 1]
    mov [buf_a + ebx * 4], eax
    inc ebx
    cmp ebx, BUF / 4
    jb .fill
    mov esi, buf_a + 7 * 4
    mov ecx, 1500
    rep lodsd
    CHECK_EQ "lods", eax, 3 * 1506 + 1
    CHECK_EQ "lods_esi", esi, buf_a + 1507 * 4
    ret

; ES based at wrapbuf, 4 GiB: 16-bit DI goes FFF0, FFF4, FFF8, FFFC, 0000, ... 002C.
t_wrap16:
    SET_SEG SEL_WRAP, wrapbuf, 0xFFFFF, ACC_DATA_RW, FL_FLAT
    mov edi, wrapbuf
    mov ecx, 0x10040 / 4
    xor eax, eax
    rep stosd
    mov ax, SEL_WRAP
    mov es, ax
    mov edi, 0x1234FFF0             ; the upper half is not an address and stays
    mov ecx, 16
    mov eax, 0x77777777
    a16 rep stosd
    mov ax, SEL_KDATA
    mov es, ax
    CHECK_EQ "wrap16_edi", edi, 0x12340030
    CHECK_EQ "wrap16_top", dword [wrapbuf + 0xFFFC], 0x77777777
    CHECK_EQ "wrap16_bottom", dword [wrapbuf + 0x2C], 0x77777777
    CHECK_EQ "wrap16_after", dword [wrapbuf + 0x30], 0
    CHECK_EQ "wrap16_beyond", dword [wrapbuf + 0x10000], 0
    ret

; patch_fn returns 1, then (REP MOVSB of new_code_2 over the area) 2, then (STD;
; REP MOVSD of new_code_3) 3. The copies start 16 bytes before the routine.
t_patch_code:
    mov esi, old_code
    mov edi, patch_area
    mov ecx, 64
    rep movsb
    call patch_fn
    CHECK_EQ "patch_before", eax, 1
    mov esi, new_code_2
    mov edi, patch_area
    mov ecx, 64
    rep movsb
    call patch_fn
    CHECK_EQ "patch_movsb", eax, 2
    std
    mov esi, new_code_3 + 60
    mov edi, patch_area + 60
    mov ecx, 16
    rep movsd
    cld
    call patch_fn
    CHECK_EQ "patch_movsd_down", eax, 3
    ret

; Paging on: the page of buf_b + 0x2000 made not present; REP MOVSD of 2000 dwords
; from buf_a to buf_b + 0x1000 - 8 writes 2 + 1024 dwords, then faults.
t_fault_midway:
    mov eax, buf_b + 0x2000
    call pte_of
    mov ebx, eax
    and dword [ebx], ~PTE_P
    mov eax, buf_b + 0x2000
    invlpg [eax]
    ARM .recover
    mov esi, buf_a
    mov edi, buf_b + 0x1000 - 8
    mov ecx, 2000
.insn:
    rep movsd
    FAIL "fault_midway", "no #PF"
    ret
.recover:
    EXPECT_EXC "fault_midway", EXC_PF, 2, .insn
    CHECK_EQ "fault_midway_ecx", ecx, 2000 - 1026
    CHECK_EQ "fault_midway_esi", esi, buf_a + 1026 * 4
    CHECK_EQ "fault_midway_edi", edi, buf_b + 0x2000
    CHECK_EQ "fault_midway_cr2", dword [exc_cr2], buf_b + 0x2000
    or dword [ebx], PTE_P
    rep movsd
    CHECK_EQ "fault_resumed_ecx", ecx, 0
    mov esi, buf_a
    mov edi, buf_b + 0x1000 - 8
    mov ecx, 2000 * 4
    call differ
    CHECK_EQ "fault_resumed", eax, 0
    ret

; The routine the copies rewrite, inside a 64-byte area of its own.
align 64
patch_area:
    times 16 nop
patch_fn:
    mov eax, 1
    ret
    times 64 - ($ - patch_area) nop

section .data
align 4
old_code:
    times 16 nop
    mov eax, 1
    ret
    times 64 - ($ - old_code) nop
new_code_2:
    times 16 nop
    mov eax, 2
    ret
    times 64 - ($ - new_code_2) nop
new_code_3:
    times 16 nop
    mov eax, 3
    ret
    times 64 - ($ - new_code_3) nop

section .bss
alignb 4096
buf_a:      resb BUF
buf_b:      resb BUF
wrapbuf:    resb 0x10040
