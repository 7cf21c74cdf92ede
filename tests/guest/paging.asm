; paging.asm -- 32-bit paging: protection, page-fault error codes, accessed and dirty
; bits, 4 MiB pages, and the two TLB invalidations an OS relies on.
;
; Intel SDM vol. 3 chapter 4 ("Paging"):
;   4.3   32-bit paging: CR3 -> page directory -> page table -> 4 KiB page, or a PDE with
;         PS = 1 mapping a 4 MiB page when CR4.PSE = 1;
;   4.6   access rights: a user (CPL 3) access needs U/S = 1 in both the PDE and the PTE,
;         a user write needs R/W = 1 in both; a supervisor write to a read-only page is
;         allowed when CR0.WP = 0 and faults when CR0.WP = 1;
;   4.7   #PF error code: bit 0 P (0 = not present, 1 = protection), bit 1 W/R (the
;         access was a write), bit 2 U/S (the access was at CPL 3); CR2 = the linear
;         address;
;   4.8   the CPU sets A in every entry it uses for a translation and D in the entry that
;         maps the page (PTE, or PDE with PS = 1) on a write; a PDE that points to a page
;         table has no dirty bit;
;   4.10.4 INVLPG invalidates the TLB entry for one page; MOV to CR3 invalidates every
;         non-global entry.
;
; Checks:
;   A/D: a read sets PTE.A and PDE.A but no D; a write sets PTE.D; a first write sets A
;     and D at once; the PDE's bit 6 stays 0 for a 4 KiB page; a walk that stops at a
;     not-present PTE leaves that PTE as it was.  A write that faults on protection sets
;     no D in the PTE (no write happened: certain) and no A (lab86's contract "no A/D
;     when the access faults"; the SDM does not spell out A for a translation whose
;     rights check fails, but QEMU and Intel parts behave so).  Whether a PDE gets A when
;     the walk then stops at a not-present PTE is not specified; not checked.
;   Protection: not-present PDE / PTE; user write to a read-only page; user read and
;     write of a supervisor page; PDE R/W = 0 or U/S = 0 overriding a permissive PTE;
;     supervisor write to a read-only page allowed with WP = 0 (and sets D), #PF with
;     WP = 1.  Each #PF checks the error code and CR2.
;   4 MiB pages: a PS = 1 PDE aliases physical memory; read sets its A, write its D.
;   TLB: after a PTE change INVLPG makes the new translation visible; so does reloading
;     CR3.  (That a stale translation *remains* without them is not architectural: the
;     TLB may be flushed at any time, so it is not tested.)

%include "lib.inc"

; Linear addresses of the test pages, all in the 4 MiB region of PDE 2 (pt_test).
LIN_BASE  equ 0x00800000
LIN_AD    equ LIN_BASE + 0x0000         ; -> page_a, user, writable: A/D tests
LIN_RO    equ LIN_BASE + 0x1000         ; -> page_a, user, read-only
LIN_SUP   equ LIN_BASE + 0x2000         ; -> page_a, supervisor, writable
LIN_NP    equ LIN_BASE + 0x3000         ; not present
LIN_TLB   equ LIN_BASE + 0x4000         ; -> page_a or page_b: TLB tests
LIN_4M    equ 0x00C00000                ; PDE 3: a 4 MiB page -> physical 0
LIN_PDE_RO  equ 0x01000000              ; PDE 4: R/W = 0, its PTE R/W = 1
LIN_PDE_SUP equ 0x01400000              ; PDE 5: U/S = 0, its PTE U/S = 1
LIN_PDE_NP  equ 0x01800000              ; PDE 6: not present
NP_PTE_VALUE equ 0xABCDE000             ; a not-present PTE with software bits set

PTE_URW equ PTE_P | PTE_W | PTE_U

section .text
test_main:
    call build_tables
    call paging_on
    call t_accessed_dirty
    call t_fault_leaves_ad
    call t_protection
    call t_pde_rights
    call t_write_protect
    call t_4m_pages
    call t_tlb
    call paging_off
    ret

; pte_ptr(linear in LIN_BASE's 4 MiB) -> address of its entry in pt_test
%define PTE(lin) (pt_test + (((lin) - LIN_BASE) >> 12) * 4)
%define PDE(lin) (pg_dir + ((lin) >> 22) * 4)

build_tables:
    call paging_init                ; identity map of 0..4 MiB (PDE 0)
    mov dword [page_a], 0xAAAA0001
    mov dword [page_b], 0xBBBB0002
    mov edi, pt_test
    mov ecx, 1024
    xor eax, eax
    rep stosd
    mov dword [PDE(LIN_BASE)], pt_test + PTE_URW
    mov dword [PTE(LIN_AD)], page_a + PTE_URW
    mov dword [PTE(LIN_RO)], page_a + (PTE_P | PTE_U)
    mov dword [PTE(LIN_SUP)], page_a + (PTE_P | PTE_W)
    mov dword [PTE(LIN_NP)], NP_PTE_VALUE
    mov dword [PTE(LIN_TLB)], page_a + PTE_URW
    ; PDE 4: read-only directory entry over a writable PTE
    mov dword [PDE(LIN_PDE_RO)], pt_rights + (PTE_P | PTE_U)
    ; PDE 5: supervisor directory entry over a user PTE
    mov dword [PDE(LIN_PDE_SUP)], pt_rights + (PTE_P | PTE_W)
    mov dword [pt_rights], page_a + PTE_URW
    mov dword [PDE(LIN_PDE_NP)], 0
    ret

; Reset A and D in the PDE and PTE of LIN_AD and drop any cached translation.
clear_ad:
    and dword [PDE(LIN_AD)], ~(PTE_A | PTE_D)
    and dword [PTE(LIN_AD)], ~(PTE_A | PTE_D)
    mov eax, cr3                    ; also flushes cached PDEs
    mov cr3, eax
    ret

t_accessed_dirty:
    call clear_ad
    mov eax, [LIN_AD]
    CHECK_MASK "read_sets_pte_a_only", dword [PTE(LIN_AD)], PTE_A | PTE_D, PTE_A
    CHECK_MASK "read_sets_pde_a", dword [PDE(LIN_AD)], PTE_A, PTE_A
    mov dword [LIN_AD + 4], 1       ; the TLB entry is clean: the CPU must set D now
    CHECK_MASK "write_sets_pte_d", dword [PTE(LIN_AD)], PTE_A | PTE_D, PTE_A | PTE_D
    CHECK_MASK "pde_of_4k_page_gets_no_d", dword [PDE(LIN_AD)], PTE_D, 0
    call clear_ad
    mov dword [LIN_AD + 4], 2
    CHECK_MASK "first_write_sets_a_and_d", dword [PTE(LIN_AD)], PTE_A | PTE_D, PTE_A | PTE_D
    call clear_ad
    RUN_AT_CPL3 "user_read_ok", EFL_RSV, mov eax, [LIN_AD]
    CHECK_MASK "user_read_sets_pte_a_only", dword [PTE(LIN_AD)], PTE_A | PTE_D, PTE_A
    ret

; A faulting access must not leave A or D behind in the entry it faulted on.
t_fault_leaves_ad:
    and dword [PTE(LIN_RO)], ~(PTE_A | PTE_D)
    invlpg [LIN_RO]
    FAULT_AT_CPL3 "user_write_read_only", EXC_PF, PTE_P | PTE_W | PTE_U, EFL_RSV, \
        mov dword [LIN_RO], 0x55
    CHECK_EQ "user_write_read_only_cr2", dword [exc_cr2], LIN_RO
    CHECK_MASK "faulting_write_sets_no_d", dword [PTE(LIN_RO)], PTE_D, 0
    CHECK_MASK "faulting_write_sets_no_a", dword [PTE(LIN_RO)], PTE_A, 0
    CHECK_EQ "faulting_write_stores_nothing", dword [page_a], 0xAAAA0001
    FAULT_AT_CPL0 "read_not_present_pte", EXC_PF, 0, mov eax, [LIN_NP + 0x10]
    CHECK_EQ "read_not_present_pte_cr2", dword [exc_cr2], LIN_NP + 0x10
    CHECK_EQ "not_present_pte_unchanged", dword [PTE(LIN_NP)], NP_PTE_VALUE
    ret

t_protection:
    FAULT_AT_CPL0 "write_not_present_pte", EXC_PF, PTE_W, mov dword [LIN_NP + 0x20], 0
    CHECK_EQ "write_not_present_pte_cr2", dword [exc_cr2], LIN_NP + 0x20
    FAULT_AT_CPL3 "user_read_not_present", EXC_PF, PTE_U, EFL_RSV, mov eax, [LIN_NP + 0x30]
    CHECK_EQ "user_read_not_present_cr2", dword [exc_cr2], LIN_NP + 0x30
    FAULT_AT_CPL0 "read_not_present_pde", EXC_PF, 0, mov eax, [LIN_PDE_NP + 0x40]
    CHECK_EQ "read_not_present_pde_cr2", dword [exc_cr2], LIN_PDE_NP + 0x40
    RUN_AT_CPL3 "user_read_read_only_ok", EFL_RSV, mov eax, [LIN_RO]
    FAULT_AT_CPL3 "user_read_supervisor", EXC_PF, PTE_P | PTE_U, EFL_RSV, \
        mov eax, [LIN_SUP + 0x50]
    CHECK_EQ "user_read_supervisor_cr2", dword [exc_cr2], LIN_SUP + 0x50
    FAULT_AT_CPL3 "user_write_supervisor", EXC_PF, PTE_P | PTE_W | PTE_U, EFL_RSV, \
        mov dword [LIN_SUP + 0x60], 0
    CHECK_EQ "user_write_supervisor_cr2", dword [exc_cr2], LIN_SUP + 0x60
    mov eax, [LIN_SUP]              ; the same page is fine for the kernel
    CHECK_EQ "supervisor_read_supervisor_ok", eax, 0xAAAA0001
    ret

; The effective rights are the more restrictive of the PDE's and the PTE's [4.6].
t_pde_rights:
    RUN_AT_CPL3 "pde_ro_user_read_ok", EFL_RSV, mov eax, [LIN_PDE_RO]
    FAULT_AT_CPL3 "pde_ro_user_write", EXC_PF, PTE_P | PTE_W | PTE_U, EFL_RSV, \
        mov dword [LIN_PDE_RO + 4], 0
    CHECK_EQ "pde_ro_user_write_cr2", dword [exc_cr2], LIN_PDE_RO + 4
    FAULT_AT_CPL3 "pde_supervisor_user_read", EXC_PF, PTE_P | PTE_U, EFL_RSV, \
        mov eax, [LIN_PDE_SUP + 8]
    CHECK_EQ "pde_supervisor_user_read_cr2", dword [exc_cr2], LIN_PDE_SUP + 8
    ret

; CR0.WP: may the kernel write to pages that are read-only for user code? [2.5, 4.6.1]
t_write_protect:
    and dword [PTE(LIN_RO)], ~(PTE_A | PTE_D)
    invlpg [LIN_RO]
    mov eax, cr0
    and eax, ~CR0_WP
    mov cr0, eax
    ARM .recover0
    mov dword [LIN_RO + 8], 0x12345678
    int VEC_RETURN
.recover0:
    EXPECT_EXC "wp0_supervisor_write_read_only_ok", VEC_RETURN, NOERR, ANY
    CHECK_EQ "wp0_supervisor_write_lands", dword [page_a + 8], 0x12345678
    CHECK_MASK "wp0_supervisor_write_sets_d", dword [PTE(LIN_RO)], PTE_A | PTE_D, \
        PTE_A | PTE_D
    mov eax, cr0
    or eax, CR0_WP
    mov cr0, eax
    invlpg [LIN_RO]
    FAULT_AT_CPL0 "wp1_supervisor_write_read_only", EXC_PF, PTE_P | PTE_W, \
        mov dword [LIN_RO + 12], 0
    CHECK_EQ "wp1_supervisor_write_read_only_cr2", dword [exc_cr2], LIN_RO + 12
    mov eax, cr0
    and eax, ~CR0_WP
    mov cr0, eax
    ret

; A 4 MiB page at LIN_4M mapping physical 0..4 MiB: an alias of the identity map.
t_4m_pages:
    mov eax, cr4
    or eax, CR4_PSE
    mov cr4, eax
    mov dword [PDE(LIN_4M)], 0 + (PTE_URW | PTE_PS)
    mov eax, cr3
    mov cr3, eax
    mov eax, [LIN_4M + page_b]
    CHECK_EQ "pse_4m_read_alias", eax, 0xBBBB0002
    CHECK_MASK "pse_4m_read_sets_a_only", dword [PDE(LIN_4M)], PTE_A | PTE_D, PTE_A
    mov dword [LIN_4M + page_b + 4], 0x4444
    CHECK_MASK "pse_4m_write_sets_d", dword [PDE(LIN_4M)], PTE_A | PTE_D, PTE_A | PTE_D
    CHECK_EQ "pse_4m_write_visible", dword [page_b + 4], 0x4444
    mov dword [PDE(LIN_4M)], 0
    mov eax, cr3
    mov cr3, eax
    ret

t_tlb:
    mov eax, [LIN_TLB]              ; caches LIN_TLB -> page_a
    CHECK_EQ "tlb_initial_translation", eax, 0xAAAA0001
    mov dword [PTE(LIN_TLB)], page_b + PTE_URW
    invlpg [LIN_TLB]
    mov eax, [LIN_TLB]
    CHECK_EQ "invlpg_shows_new_pte", eax, 0xBBBB0002
    mov dword [PTE(LIN_TLB)], page_a + PTE_URW
    mov eax, cr3
    mov cr3, eax
    mov eax, [LIN_TLB]
    CHECK_EQ "cr3_reload_shows_new_pte", eax, 0xAAAA0001
    mov dword [PTE(LIN_TLB)], 0     ; now not present
    invlpg [LIN_TLB]
    FAULT_AT_CPL0 "invlpg_drops_translation", EXC_PF, 0, mov eax, [LIN_TLB]
    ret

section .bss
alignb 4096
pt_test:   resb 4096                ; page table for LIN_BASE .. + 4 MiB
pt_rights: resb 4096                ; page table shared by PDE 4 and PDE 5
page_a:    resb 4096
page_b:    resb 4096
