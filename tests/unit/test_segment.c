/* segment: header fields, outline and paragraphs of the corpus and of
 * synthetic variants (CRLF + NBSP, Phần/Mục/1.1.1 numbering, hard-wrapped
 * text with blank lines, a draft without a number), and failures. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <utf8proc.h>

#include "scratch.h"
#include "segment/internal.h"

static pm_patterns *patterns;
static pm_segmenter *segmenter;

typedef struct doc {
    pm_arena arena;
    pm_warnings warnings;
    pm_text text;
    pm_tree tree;
    unsigned char *bytes;
} doc;

static int setup(void **state)
{
    (void)state;
    pm_error err = {0};
    if (pm_patterns_load("patterns", &patterns, &err) != PM_OK ||
        pm_segmenter_new(patterns, &segmenter, &err) != PM_OK) {
        fprintf(stderr, "%s:%zu: %s\n", err.file, err.line, err.message);
        return -1;
    }
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    pm_segmenter_free(segmenter);
    pm_patterns_free(patterns);
    return 0;
}

static void segment_with(const pm_segmenter *seg, doc *d, const unsigned char *bytes, size_t len)
{
    pm_error err = {0};
    pm_arena_init(&d->arena);
    d->warnings = (pm_warnings){.arena = &d->arena};
    assert_int_equal(pm_text_decode(&d->arena, bytes, len, NULL, &d->text, &d->warnings, &err),
                     PM_OK);
    assert_int_equal(pm_segment(seg, &d->arena, &d->text, &d->tree, &d->warnings, &err), PM_OK);
}

static void segment_bytes(doc *d, const unsigned char *bytes, size_t len)
{
    segment_with(segmenter, d, bytes, len);
}

static void load(doc *d, const char *path)
{
    pm_error err = {0};
    size_t len;
    assert_int_equal(pm_read_file(path, PM_DEFAULT_MAX_BYTES, &d->bytes, &len, &err), PM_OK);
    segment_bytes(d, d->bytes, len);
}

static void done(doc *d)
{
    pm_arena_free(&d->arena);
    free(d->bytes);
}

/* `label/level[/A] start-end;...`: the whole outline in one comparable string. */
static const char *outline(const doc *d)
{
    static char out[8192];
    size_t o = 0;
    out[0] = '\0';
    for (size_t i = 0; i < d->tree.n_sections; i++) {
        const pm_section *s = &d->tree.sections[i];
        o += (size_t)snprintf(out + o, sizeof out - o, "%s%s/%d%s %zu-%zu", i ? ";" : "",
                              s->label, s->level, s->appendix ? "/A" : "", s->line_start,
                              s->line_end);
        assert_true(o < sizeof out);
    }
    return out;
}

static const pm_block *block_at(const doc *d, size_t line)
{
    for (size_t i = 0; i < d->tree.n_blocks; i++)
        if (d->tree.blocks[i].line_start == line)
            return &d->tree.blocks[i];
    fail_msg("no block starts at line %zu", line);
    return NULL;
}

static void assert_prefix(const char *s, const char *prefix)
{
    assert_non_null(s);
    if (strncmp(s, prefix, strlen(prefix)) != 0)
        fail_msg("'%s' does not start with '%s'", s, prefix);
}

static void assert_docref(const pm_docref *r, const char *number, const char *date)
{
    assert_string_equal(r->number, number);
    if (date)
        assert_string_equal(r->date, date);
    else
        assert_null(r->date);
}

/* ---- corpus ------------------------------------------------------------- */

static void corpus_000(void **state)
{
    (void)state;
    doc d = {0};
    load(&d, "corpus/000_5ed95dafb3202056.txt");
    const pm_header *h = &d.tree.header;
    assert_string_equal(h->type, "Kế hoạch");
    assert_string_equal(h->number, "221/KH-UBND");
    assert_int_equal(h->number_line, 3);
    assert_string_equal(h->date, "2023-12-29");
    assert_int_equal(h->date_line, 5);
    assert_string_equal(h->province, "Thái Nguyên");
    assert_string_equal(h->issuer, "UBND tỉnh Thái Nguyên");
    assert_prefix(h->title, "Thực hiện Nghị quyết số 148/NQ-CP ngày 11/11/2022 của Chính phủ");
    assert_int_equal(h->n_implements, 3);
    assert_docref(&h->implements[0], "148/NQ-CP", "2022-11-11");
    assert_string_equal(h->implements[0].kind, "Nghị quyết");
    assert_docref(&h->implements[1], "21-CTr/TU", "2022-04-13");
    assert_string_equal(h->implements[1].kind, "Chương trình hành động");
    assert_docref(&h->implements[2], "06-NQ/TW", "2022-01-24");
    assert_string_equal(h->signer_name, "Trịnh Việt Hùng");
    assert_string_equal(h->signer_title, "Chủ tịch");
    assert_string_equal(h->signer_on_behalf, "TM. Ủy ban nhân dân");
    /* the typist's `- tuannt.kh/t12 *[Signature]*` is not a recipient */
    assert_int_equal(h->n_recipients, 7);
    assert_string_equal(h->recipients[0], "TT Tỉnh ủy");
    assert_string_equal(h->recipients[6], "Lưu: VT, CNN&XD, TH");
    /* the appendix cites another number: kept as written for the checks */
    assert_int_equal(h->n_citations, 1);
    assert_docref(&h->citations[0], "121/KH-UBND", "2023-12-19");
    assert_int_equal(h->citations[0].line, 299);

    assert_string_equal(outline(&d),
        "I/1 13-29;1/2 15-21;2/2 23-29;II/1 31-65;1/2 33-39;2/2 41-65;III/1 67-251;1/2 69-73;2/2 "
        "75-103;3/2 105-247;3.1/3 107-121;3.2/3 123-139;3.3/3 141-149;3.4/3 151-155;3.5/3 "
        "157-163;3.6/3 165-169;3.7/3 171-187;3.8/3 189-201;3.9/3 203-207;3.10/3 209-213;3.11/3 "
        "215-223;3.12/3 225-233;3.13/3 235-239;3.14/3 241-247;4/2 249-251;IV/1 253-273;1/2 "
        "255-267;2/2 269-269;3/2 271-273;Phụ lục/1/A 295-339");
    const pm_section *app = &d.tree.sections[d.tree.n_sections - 1];
    assert_string_equal(app->style, "appendix");
    assert_prefix(app->title, "CÁC NHIỆM VỤ CỤ THỂ THỰC HIỆN NGHỊ QUYẾT SỐ 148/NQ-CP");

    /* a blank line cuts these sentences: joined */
    assert_int_equal(block_at(&d, 63)->line_end, 65);
    assert_int_equal(block_at(&d, 89)->line_end, 91);
    /* blank-line paragraphs are not over-joined */
    assert_int_equal(block_at(&d, 71)->line_end, 71);
    assert_int_equal(block_at(&d, 73)->kind, PM_BLOCK_PARAGRAPH);
    /* the footnote is a paragraph, never a heading */
    assert_int_equal(block_at(&d, 47)->kind, PM_BLOCK_PARAGRAPH);
    assert_int_equal(block_at(&d, 267)->kind, PM_BLOCK_PARAGRAPH);
    /* zones and the table block with its title */
    assert_int_equal(block_at(&d, 3)->zone, PM_ZONE_FRONT);
    assert_int_equal(block_at(&d, 13)->zone, PM_ZONE_BODY);
    assert_int_equal(block_at(&d, 275)->zone, PM_ZONE_CLOSING);
    assert_int_equal(block_at(&d, 291)->zone, PM_ZONE_CLOSING);
    assert_int_equal(block_at(&d, 295)->zone, PM_ZONE_APPENDIX);
    assert_true(d.tree.n_tables >= 1);
    const pm_table *tb = &d.tree.tables[0];
    assert_int_equal(tb->section, (int)d.tree.n_sections - 1);
    assert_int_equal(d.tree.blocks[tb->block].kind, PM_BLOCK_TABLE);
    assert_string_equal(tb->title, app->title);
    assert_int_equal(d.warnings.len, 0);
    done(&d);
}

static void corpus_001(void **state)
{
    (void)state;
    doc d = {0};
    load(&d, "corpus/001_68122e8daa613bf5.txt");
    const pm_header *h = &d.tree.header;
    assert_string_equal(h->number, "151/KH-UBND");
    assert_string_equal(h->date, "2022-09-22");
    assert_string_equal(h->province, "Quảng Ngãi");
    assert_string_equal(h->issuer, "UBND tỉnh Quảng Ngãi");
    assert_prefix(h->title, "Triển khai thực hiện Chương trình hành động số 21-CTr/TU");
    assert_int_equal(h->n_implements, 2);
    assert_docref(&h->implements[0], "21-CTr/TU", "2022-08-12");
    assert_docref(&h->implements[1], "06-NQ/TW", "2022-01-24");
    assert_string_equal(h->signer_name, "Đặng Văn Minh");
    assert_string_equal(h->signer_title, "Chủ tịch");
    assert_string_equal(h->signer_on_behalf, "TM. Ủy ban nhân dân");
    assert_int_equal(h->n_recipients, 11);
    assert_string_equal(h->recipients[7], "Các tổ chức chính trị - xã hội");
    assert_string_equal(h->recipients[10], "Lưu: VT, KTN (Vũ 951)");
    assert_int_equal(h->n_citations, 0);
    assert_string_equal(outline(&d),
        "I/1 15-29;1/2 17-21;2/2 23-29;II/1 31-163;1/2 33-51;a/3 35-39;b/3 41-45;c/3 47-51;2/2 "
        "53-85;a/3 55-59;b/3 61-67;c/3 69-73;d/3 75-79;đ/3 81-85;3/2 87-97;4/2 99-121;a/3 "
        "101-107;b/3 109-115;c/3 117-121;5/2 123-147;a/3 125-141;b/3 143-147;6/2 149-159;7/2 "
        "161-163;III/1 165-173;1/2 167-167;2/2 169-169;3/2 171-173");
    /* `- *Phân công thực hiện:* …` is a bullet of its own */
    const pm_block *field = block_at(&d, 37);
    assert_int_equal(field->kind, PM_BLOCK_BULLET);
    assert_int_equal(field->marker, '-');
    assert_prefix(field->body.s, "*Phân công thực hiện:* Sở Xây dựng chủ trì");
    assert_int_equal(block_at(&d, 129)->line_end, 131);
    done(&d);
}

static void corpus_002(void **state)
{
    (void)state;
    doc d = {0};
    load(&d, "corpus/002_04e47bc683c89453.txt");
    const pm_header *h = &d.tree.header;
    /* no `Số:` line of its own: number and date come from the appendix */
    assert_string_equal(h->number, "179/KH-UBND");
    assert_string_equal(h->date, "2024-11-15");
    assert_int_equal(h->number_line, 114);
    assert_string_equal(h->province, "Sóc Trăng");
    assert_string_equal(h->issuer, "UBND tỉnh Sóc Trăng");
    assert_int_equal(h->n_implements, 3);
    assert_docref(&h->implements[1], "58-CTr/TU", "2024-08-15");
    assert_string_equal(h->implements[1].kind, "Chương trình");
    assert_string_equal(h->signer_name, "Lâm Hoàng Nghị"); /* not the initials `LMH` */
    assert_string_equal(h->signer_title, "Phó Chủ tịch");
    assert_string_equal(h->signer_on_behalf, "KT. Chủ tịch");
    assert_int_equal(h->n_recipients, 14);
    assert_string_equal(h->recipients[13], "Lưu: VT, XD, VX, KT, TH, NC");
    assert_string_equal(outline(&d),
        "I/1 13-29;1/2 15-21;2/2 23-29;II/1 31-52;1/2 33-48;2/2 50-52;III/1 54-62;1/2 56-56;2/2 "
        "57-57;3/2 58-58;4/2 59-59;5/2 60-62;IV/1 64-66;V/1 68-78;1/2 70-70;2/2 72-72;3/2 74-74;4/2"
        " 76-78;Phụ lục/1/A 109-185");
    assert_string_equal(d.tree.sections[d.tree.n_sections - 1].title, "NHIỆM VỤ, GIẢI PHÁP");
    assert_int_equal(block_at(&d, 105)->zone, PM_ZONE_CLOSING);
    /* tables get the heading above them as title */
    assert_true(d.tree.n_tables >= 2);
    assert_string_equal(d.tree.tables[0].title, "Mục tiêu đến năm 2025 và đến năm 2030");
    assert_int_equal(d.tree.tables[0].section, 4);
    assert_string_equal(d.tree.tables[d.tree.n_tables - 1].title, "NHIỆM VỤ, GIẢI PHÁP");
    done(&d);
}

static void corpus_003(void **state)
{
    (void)state;
    doc d = {0};
    load(&d, "corpus/003_bd6398dc606c56db.txt");
    const pm_header *h = &d.tree.header;
    assert_string_equal(h->number, "122/KH-UBND");
    assert_string_equal(h->date, "2023-05-27"); /* wrapped over lines 12-13 */
    assert_int_equal(h->date_line, 12);
    assert_string_equal(h->province, "Lạng Sơn");
    assert_string_equal(h->issuer, "UBND tỉnh Lạng Sơn");
    assert_prefix(h->title, "THỰC HIỆN NGHỊ QUYẾT SỐ 148/NQ-CP NGÀY 11/11/2022");
    assert_non_null(strstr(h->title, "NAM ĐẾN NĂM 2030, TẦM NHÌN ĐẾN NĂM 2045"));
    assert_int_equal(h->n_implements, 3);
    assert_docref(&h->implements[0], "148/NQ-CP", "2022-11-11");
    /* first met as `74-CTR/TU` in the upper-case title */
    assert_docref(&h->implements[1], "74-CTr/TU", "2023-03-22");
    assert_docref(&h->implements[2], "06-NQ/TW", "2022-01-24");
    assert_string_equal(h->signer_name, "Lương Trọng Quỳnh");
    assert_string_equal(h->signer_title, "Phó Chủ tịch");
    assert_string_equal(h->signer_on_behalf, "KT. Chủ tịch");
    assert_int_equal(h->n_recipients, 12);
    assert_string_equal(h->recipients[0], "Văn phòng Chính phủ (b/c)");
    assert_string_equal(h->recipients[11], "Lưu VT(HVTr)");
    assert_string_equal(outline(&d),
        "I/1 31-61;1/2 33-41;2/2 42-61;II/1 62-443;1/2 68-89;a/3 71-79;b/3 80-85;c/3 86-89;2/2 "
        "90-129;a/3 93-102;b/3 103-109;c/3 110-118;d/3 119-125;đ/3 126-129;3/2 130-235;a/3 "
        "133-138;b/3 139-172;c/3 173-200;d/3 201-226;đ/3 227-235;4/2 236-278;a/3 239-250;b/3 "
        "251-272;c/3 273-278;5/2 279-365;a/3 282-292;b/3 293-305;c/3 306-323;d/3 324-333;đ/3 "
        "334-365;6/2 366-415;a/3 369-380;b/3 381-393;c/3 394-415;7/2 416-443;a/3 418-437;b/3 "
        "438-443;III/1 444-528;1/2 446-458;2/2 459-469;3/2 470-488;4/2 489-525;a/3 491-507;b/3 "
        "508-525;5/2 526-528");
    /* wrapped headings: titles joined until the next label */
    assert_string_equal(d.tree.sections[0].title, "MỤC ĐÍCH, YÊU CẦU");
    assert_string_equal(d.tree.sections[4].title,
                        "Tăng cường nâng cao nhận thức, hành động về quy hoạch, xây dựng, quản lý "
                        "và phát triển bền vững đô thị");
    assert_prefix(d.tree.sections[5].title,
                  "Các sở, ban, ngành, tổ chức chính trị - xã hội tỉnh, UBND các huyện");
    assert_string_equal(d.tree.sections[41].title,
                        "Các sở, ban, ngành cấp tỉnh, UBND các huyện, thành phố");
    done(&d);
}

/* Hard-wrapped paragraphs: a short first line starts a paragraph, full
 * lines run on, labels, bullets and field labels start new blocks. */
static void corpus_003_paragraphs(void **state)
{
    (void)state;
    doc d = {0};
    load(&d, "corpus/003_bd6398dc606c56db.txt");
    const pm_block *b = block_at(&d, 34);
    assert_int_equal(b->kind, PM_BLOCK_PARAGRAPH);
    assert_int_equal(b->line_end, 41);
    assert_prefix(b->text.s, "Quán triệt, cụ thể hóa và triển khai các quan điểm chỉ đạo");
    /* offsets of the joined text map back to the original lines */
    const char *khai = strstr(b->text.s, "khai các quan điểm");
    assert_non_null(khai);
    size_t norm = pm_span_norm(&b->text, (size_t)(khai - b->text.s));
    assert_int_equal(pm_text_line(&d.text, norm), 35);
    assert_memory_equal(d.text.norm + norm, "khai các", strlen("khai các"));

    assert_int_equal(block_at(&d, 16)->line_end, 20); /* upper-case title lines */
    assert_int_equal(block_at(&d, 21)->line_end, 30); /* the grounds */
    assert_int_equal(block_at(&d, 43)->kind, PM_BLOCK_BULLET);
    assert_int_equal(block_at(&d, 43)->line_end, 52); /* a sentence ends mid-bullet */
    assert_int_equal(block_at(&d, 101)->line_end, 102);
    assert_int_equal(block_at(&d, 107)->line_end, 109); /* `Cơ quan thực hiện:` */
    assert_int_equal(block_at(&d, 157)->line_end, 169);
    const pm_block *plus = block_at(&d, 303);
    assert_int_equal(plus->kind, PM_BLOCK_BULLET);
    assert_int_equal(plus->marker, '+');
    assert_prefix(plus->body.s, "Cơ quan thực hiện: UBND các huyện, thành phố phối hợp");
    assert_int_equal(block_at(&d, 353)->line_end, 363);
    assert_int_equal(block_at(&d, 420)->line_end, 424);
    assert_int_equal(block_at(&d, 429)->line_end, 432);
    /* a note in parentheses is not a heading */
    assert_int_equal(block_at(&d, 457)->kind, PM_BLOCK_PARAGRAPH);
    assert_int_equal(block_at(&d, 457)->line_end, 458);
    /* heading blocks carry the whole heading; body drops the label */
    const pm_block *h = block_at(&d, 68);
    assert_int_equal(h->kind, PM_BLOCK_HEADING);
    assert_int_equal(h->line_end, 70);
    assert_prefix(h->text.s, "1. Tăng cường nâng cao");
    assert_prefix(h->body.s, "Tăng cường nâng cao");
    assert_int_equal(block_at(&d, 529)->zone, PM_ZONE_CLOSING);
    assert_int_equal(block_at(&d, 547)->zone, PM_ZONE_CLOSING);
    done(&d);
}

static void corpus_004(void **state)
{
    (void)state;
    doc d = {0};
    load(&d, "corpus/004_1db30e8e436d538f.txt");
    const pm_header *h = &d.tree.header;
    /* only appendices, citing a draft: blank number, partial date */
    assert_null(h->type);
    assert_null(h->number);
    assert_null(h->date);
    assert_null(h->signer_name);
    assert_string_equal(h->province, "Lạng Sơn");
    assert_int_equal(h->n_citations, 2);
    assert_null(h->citations[0].number);
    assert_null(h->citations[0].date);
    assert_int_equal(h->citations[1].line, 150);
    assert_string_equal(outline(&d), "Phụ lục I/1/A 1-145;Phụ lục II/1/A 149-351");
    assert_string_equal(d.tree.sections[0].title, "CÁC CHỈ TIÊU CỤ THỂ ĐẾN NĂM 2030");
    assert_prefix(d.tree.sections[1].title, "PHÂN CÔNG NHIỆM VỤ CỤ THỂ KẾ HOẠCH");
    assert_int_equal(block_at(&d, 1)->zone, PM_ZONE_APPENDIX);
    done(&d);
}

/* ---- variants ------------------------------------------------------------- */

static void variant_crlf_nbsp(void **state)
{
    (void)state;
    doc d = {0};
    load(&d, "tests/variants/segment_crlf_nbsp.txt");
    const pm_header *h = &d.tree.header;
    assert_string_equal(h->number, "45/KH-UBND");
    assert_string_equal(h->date, "2024-03-05");
    assert_string_equal(h->province, "Bắc Kạn");
    assert_string_equal(h->issuer, "UBND tỉnh Bắc Kạn");
    assert_string_equal(h->title,
                        "Triển khai Nghị quyết số 12/NQ-HĐND ngày 10/01/2024 của Hội đồng nhân dân tỉnh");
    assert_int_equal(h->n_implements, 2);
    assert_docref(&h->implements[0], "12/NQ-HĐND", "2024-01-10");
    assert_docref(&h->implements[1], "7-CTr/TU", "2024-02-02");
    assert_string_equal(h->signer_name, "Nguyễn Văn An");
    assert_string_equal(h->signer_title, "Phó Chủ tịch");
    assert_int_equal(h->n_recipients, 2);
    assert_string_equal(h->recipients[1], "Lưu: VT");
    assert_string_equal(outline(&d),
                        "I/1 10-20;1/2 12-14;2/2 16-20;a/3 18-18;b/3 20-20;II/1 22-24");
    const pm_block *b = block_at(&d, 14);
    assert_string_equal(b->body.s, "Tỷ lệ đô thị hóa đạt 30%.");
    /* evidence offsets are original bytes: CRLF and NBSP shift them */
    size_t orig = pm_text_orig(&d.text, pm_span_norm(&b->body, 0));
    assert_memory_equal(d.bytes + orig, "Tỷ lệ", strlen("Tỷ lệ"));
    done(&d);
}

static void variant_numbering(void **state)
{
    (void)state;
    doc d = {0};
    load(&d, "tests/variants/segment_numbering.txt");
    assert_string_equal(outline(&d),
        "Phần I/1 4-19;Mục 1/2 7-17;1.1/3 9-15;1.1.1/4 11-13;1.1.2/4 15-15;1.2/3 17-17;Mục 2/2 "
        "19-19;Phần II/1 21-28;Chương I/2 24-28;Điều 1/3 26-26;Điều 2/3 28-28");
    const pm_section *s = d.tree.sections;
    assert_string_equal(s[0].style, "part");
    assert_string_equal(s[0].title, "ĐÁNH GIÁ TÌNH HÌNH"); /* title on the next line */
    assert_string_equal(s[1].style, "section");
    assert_string_equal(s[3].style, "dotted");
    assert_int_equal(s[3].parent, 2);
    assert_string_equal(s[8].style, "chapter");
    assert_string_equal(s[9].style, "article");
    assert_string_equal(s[9].title, "Phạm vi");
    assert_null(d.tree.header.number);
    assert_null(d.tree.header.issuer); /* nothing says who issued it */
    done(&d);
}

static void variant_wrapped_blank(void **state)
{
    (void)state;
    doc d = {0};
    load(&d, "tests/variants/segment_wrapped_blank.txt");
    assert_string_equal(outline(&d), "I/1 4-16;1/2 6-14;2/2 16-16");
    assert_string_equal(d.tree.sections[1].title,
                        "Phát triển hạ tầng đô thị đồng bộ, hiện đại, liên kết và thích ứng với "
                        "biến đổi khí hậu trên địa bàn tỉnh");
    /* `5. mức vốn` inside a running sentence is not a heading */
    const pm_block *b = block_at(&d, 9);
    assert_int_equal(b->kind, PM_BLOCK_PARAGRAPH);
    assert_int_equal(b->line_end, 11);
    assert_int_equal(block_at(&d, 13)->line_end, 14);
    assert_int_equal(d.tree.header.n_implements, 1);
    assert_docref(&d.tree.header.implements[0], "15-CTr/TU", "2023-05-03");
    done(&d);
}

static void variant_no_number(void **state)
{
    (void)state;
    doc d = {0};
    load(&d, "tests/variants/segment_no_number.txt");
    const pm_header *h = &d.tree.header;
    assert_null(h->number);
    assert_int_equal(h->number_line, 2); /* the line is there, the number is blank */
    assert_null(h->date);
    assert_string_equal(h->province, "Hồ Chí Minh");
    assert_string_equal(h->issuer, "UBND thành phố Hồ Chí Minh");
    assert_string_equal(h->title, "Chỉnh trang đô thị năm 2025");
    assert_null(h->signer_name);
    assert_int_equal(h->n_recipients, 0);
    done(&d);
}

/* Hard-wrapped text without blank lines: a heading keeps the next line only
 * when visibly cut, a footnote runs on over its wrapped lines, a word left
 * alone by a re-wrap stays in its sentence, a page number does not cut one. */
static void variant_hardwrap(void **state)
{
    (void)state;
    doc d = {0};
    load(&d, "tests/variants/segment_hardwrap.txt");
    assert_string_equal(d.tree.sections[1].title, "Mục tiêu chung");
    assert_int_equal(block_at(&d, 3)->line_end, 5);
    const pm_block *note = block_at(&d, 7);
    assert_int_equal(note->kind, PM_BLOCK_PARAGRAPH);
    assert_int_equal(note->line_end, 9);
    assert_int_equal(block_at(&d, 10)->kind, PM_BLOCK_BULLET);
    assert_int_equal(block_at(&d, 10)->line_end, 13); /* `Bắc` alone on line 12 */
    assert_string_equal(d.tree.sections[2].label, "Mục 2");
    assert_string_equal(d.tree.sections[2].title, "Đề nghị các tổ chức phối hợp");
    assert_int_equal(block_at(&d, 14)->line_end, 14);
    assert_int_equal(block_at(&d, 15)->line_end, 20); /* across `- 2 -` */
    assert_int_equal(block_at(&d, 21)->line_end, 22);
    done(&d);
}

/* A Word export: one paragraph per line, no blank lines, `Phần thứ nhất`,
 * `Chương`, `Điều`, `1.1.1.`, a numbered list inside a paragraph, page
 * numbers, and issuer and closing set in tab columns. */
static void variant_word_export(void **state)
{
    (void)state;
    doc d = {0};
    load(&d, "tests/variants/segment_word_export.txt");
    assert_string_equal(outline(&d),
        "Phần thứ nhất/1 7-14;Chương I/2 9-14;Điều 1/3 11-12;Điều 2/3 13-14;Phần thứ hai/1 16-27;"
        "1.1/2 18-23;1.1.1/3 19-20;1.1.2/3 21-23;1.2/2 24-27;Phần thứ ba/1 28-30");
    assert_string_equal(d.tree.sections[0].title, "MỤC ĐÍCH, YÊU CẦU");
    /* `1) …;` items are a list, not headings */
    assert_int_equal(block_at(&d, 26)->kind, PM_BLOCK_PARAGRAPH);
    assert_int_equal(block_at(&d, 27)->kind, PM_BLOCK_PARAGRAPH);
    /* the title line stops before the grounds; the page number is no text */
    assert_int_equal(block_at(&d, 5)->line_end, 5);
    assert_int_equal(block_at(&d, 23)->line_end, 23);
    /* issuer and closing in tab columns are layout, not tables */
    assert_int_equal(d.tree.n_tables, 0);
    const pm_header *h = &d.tree.header;
    assert_string_equal(h->number, "88/KH-UBND");
    assert_string_equal(h->date, "2024-06-14");
    assert_string_equal(h->title, "Phát triển đô thị tỉnh Ninh Thuận giai đoạn 2024 - 2030");
    assert_string_equal(h->signer_name, "Trần Quốc Nam");
    assert_string_equal(h->signer_title, "Phó Chủ tịch");
    assert_string_equal(h->signer_on_behalf, "KT. Chủ tịch");
    assert_int_equal(h->n_recipients, 3);
    assert_string_equal(h->recipients[0], "Bộ Xây dựng");
    assert_string_equal(h->recipients[2], "Lưu: VT");
    assert_int_equal(block_at(&d, 31)->zone, PM_ZONE_CLOSING);
    done(&d);
}

/* pdftotext -layout: issuer and motto, number and date, and the closing set
 * side by side with runs of spaces (CRLF). Fields are read per column; a
 * blank draft date (`ngày     tháng`) stays one column. */
/* A markdown export: the page header is a pipe table, the title bold. */
static void markdown_header_table(void **state)
{
    (void)state;
    static const char text[] =
        "| ỦY BAN NHÂN DÂN<br>**TỈNH BẾN TRE** | **CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM** |\n"
        "|---|---|\n"
        "| Số: 77/KH-UBND | *Bến Tre, ngày 9 tháng 5 năm 2024* |\n"
        "\n"
        "**KẾ HOẠCH**\n"
        "\n"
        "**Phát triển nhà ở năm 2024**\n"
        "\n"
        "**I. MỤC TIÊU**\n"
        "\n"
        "Hoàn thành 500 căn hộ.\n";
    doc d = {0};
    segment_bytes(&d, (const unsigned char *)text, sizeof text - 1);
    const pm_header *h = &d.tree.header;
    assert_string_equal(h->number, "77/KH-UBND");
    assert_int_equal(h->number_line, 3);
    assert_string_equal(h->date, "2024-05-09");
    assert_string_equal(h->province, "Bến Tre");
    assert_int_equal(d.tree.n_tables, 0);
    done(&d);
}

static void space_aligned_columns(void **state)
{
    (void)state;
    static const char text[] =
        "UBND TỈNH KIÊN GIANG                CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\r\n"
        "                                       Độc lập - Tự do - Hạnh phúc\r\n"
        "Số: 52/KH-UBND                      Kiên Giang, ngày 3 tháng 4 năm 2025\r\n"
        "\r\n"
        "                              KẾ HOẠCH\r\n"
        "               Chuyển đổi số ngành du lịch năm 2025\r\n"
        "\r\n"
        "I. MỤC TIÊU\r\n"
        "Đến năm 2025 có 90% cơ sở lưu trú dùng phần mềm quản lý.\r\n"
        "\r\n"
        "Nơi nhận:                                 TM. ỦY BAN NHÂN DÂN\r\n"
        "- Bộ Văn hóa, Thể thao và Du lịch;        KT. CHỦ TỊCH\r\n"
        "- Các sở, ngành;                          PHÓ CHỦ TỊCH\r\n"
        "- Lưu: VT.                                Lê Thị Mai Anh\r\n";
    doc d = {0};
    segment_bytes(&d, (const unsigned char *)text, sizeof text - 1);
    const pm_header *h = &d.tree.header;
    assert_string_equal(h->number, "52/KH-UBND");
    assert_string_equal(h->date, "2025-04-03");
    assert_string_equal(h->province, "Kiên Giang");
    assert_string_equal(h->signer_name, "Lê Thị Mai Anh");
    assert_string_equal(h->signer_title, "Phó Chủ tịch");
    assert_string_equal(h->signer_on_behalf, "KT. Chủ tịch");
    assert_int_equal(h->n_recipients, 3);
    assert_string_equal(h->recipients[0], "Bộ Văn hóa, Thể thao và Du lịch");
    assert_string_equal(h->recipients[2], "Lưu: VT");
    done(&d);

    static const char draft[] = "UBND TỈNH KIÊN GIANG\n"
                                "Số:       /KH-UBND      Kiên Giang, ngày     tháng     năm 2025\n"
                                "KẾ HOẠCH\nChuyển đổi số\nI. MỤC TIÊU\nNội dung.\n";
    doc e = {0};
    segment_bytes(&e, (const unsigned char *)draft, sizeof draft - 1);
    assert_null(e.tree.header.number);
    assert_int_equal(e.tree.header.number_line, 2);
    assert_int_equal(e.tree.header.date_line, 2);
    assert_null(e.tree.header.date);
    done(&e);
}

/* A date cut by a hard wrap is read from the two lines joined; its
 * numbers are read inside their groups (the joined copy has no NUL after
 * it: the year used to be read on into whatever bytes followed). */
static void date_cut_by_a_hard_wrap(void **state)
{
    (void)state;
    static const char text[] = "ỦY BAN NHÂN DÂN\nTỈNH GIA LAI\n"
                               "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
                               "Số: 122/KH-UBND\n"
                               "Gia Lai, ngày 27\n"
                               "tháng 5 năm 2025\n"
                               "KẾ HOẠCH\nChuyển đổi số\nI. MỤC TIÊU\nNội dung.\n";
    doc d = {0};
    segment_bytes(&d, (const unsigned char *)text, sizeof text - 1);
    assert_string_equal(d.tree.header.number, "122/KH-UBND");
    assert_string_equal(d.tree.header.date, "2025-05-27");
    assert_int_equal(d.tree.header.date_line, 5);
    done(&d);
}

/* Lines that fit nothing become paragraphs; noise lines are not content. */
static void leftovers_are_paragraphs(void **state)
{
    (void)state;
    static const char text[] = "một dòng lạ\n\n- 3 -\n\n|\n(ghi chú)\n";
    doc d = {0};
    segment_bytes(&d, (const unsigned char *)text, sizeof text - 1);
    assert_int_equal(d.tree.n_sections, 0);
    assert_int_equal(d.tree.n_blocks, 2);
    assert_string_equal(d.tree.blocks[0].text.s, "một dòng lạ");
    assert_string_equal(d.tree.blocks[1].text.s, "(ghi chú)");
    assert_null(d.tree.header.province);
    done(&d);
}

static void empty_text(void **state)
{
    (void)state;
    doc d = {0};
    segment_bytes(&d, (const unsigned char *)"\n\n", 2);
    assert_int_equal(d.tree.n_blocks, 0);
    assert_int_equal(d.tree.n_sections, 0);
    assert_null(d.tree.header.type);
    done(&d);
}

/* ---- fast paths: they must agree with the slow ones ------------------------ */

/* Every regex the segmenter skips by the first byte of its subject. */
static const char *const filtered[] = {
    "headings.appendix", "headings.part", "headings.chapter", "headings.section",
    "headings.article", "headings.dotted", "headings.roman", "headings.arabic",
    "headings.arabic-paren", "headings.letter", "headings.alpha", "headings.noise",
    "headings.footnote", "headings.bullet", "headings.field", "header.doctype",
    "header.recipients", "header.on_behalf", "header.signer_title", "header.signer_name",
    "tables.header-cell", "tables.subheader-cell", "tables.row-label", "tables.group-label",
    "tables.label-title", "tables.time-cell", "tables.time-column", "tables.open-range",
    "tables.continuation", "tables.bullet", "tables.page-number", "tables.pipe-rule",
    "tables.html-markup", "tables.html-break-tag", "tables.html-list-tag",
    "tables.html-list-split", "tables.number-column", "tables.layout-cell"};

/* A subject the set rules out must not match. */
static void assert_filter_sound(const pcre2_code *re, const pm_first_bytes *first,
                                pcre2_match_data *md, const char *s, size_t n)
{
    if (!pm_may_match(first, s, n))
        assert_true(pcre2_match(re, (PCRE2_SPTR)s, n, 0, 0, md, NULL) <= 0);
}

static void first_bytes_never_skip_a_match(void **state)
{
    (void)state;
    static const char *const tails[] = {
        "", " ", ".", ")", ". ", ") x", ". Ab", " Ab", "I. MỤC TIÊU", "1.2. Nội dung",
        "ần I. TỔ CHỨC", "hụ lục II", "ỤC LỤC", "M. ỦY BAN", "HỦ TỊCH", "ơi nhận:",
        "ế HOẠCH", " - 3 -", "3 /12", "¹ chú thích", "ổng số", "ăm 2025", "|---|---|"};
    static const char *const starts[] = {
        "Đ", "đ", "Ơ", "ư", "Ủ", "ạ", "•", "–", "—", "·", "−", "¹", "²", "Ⅰ", "K", "ſ", "ﬁ"};
    pcre2_match_data *md = pcre2_match_data_create(32, NULL);
    assert_non_null(md);
    char subject[128];
    for (size_t r = 0; r < sizeof filtered / sizeof *filtered; r++) {
        pm_error err = {0};
        const pcre2_code *re = pm_patterns_regex(patterns, filtered[r], &err);
        assert_non_null(re);
        pm_first_bytes first;
        assert_int_equal(pm_first_bytes_of(re, &first, &err), PM_OK);
        for (size_t t = 0; t < sizeof tails / sizeof *tails; t++) {
            size_t tl = strlen(tails[t]);
            for (unsigned b = 0; b < 256; b++) { /* every first byte, valid or not */
                subject[0] = (char)b;
                memcpy(subject + 1, tails[t], tl);
                assert_filter_sound(re, &first, md, subject, tl + 1);
            }
            for (size_t k = 0; k < sizeof starts / sizeof *starts; k++) {
                size_t sl = strlen(starts[k]);
                memcpy(subject, starts[k], sl);
                memcpy(subject + sl, tails[t], tl);
                assert_filter_sound(re, &first, md, subject, sl + tl);
            }
        }
        assert_true(pm_may_match(&first, "", 0)); /* an empty subject is always tried */
    }
    /* and the sets do rule lines out */
    pm_error err = {0};
    pm_first_bytes roman, letter;
    assert_int_equal(pm_first_bytes_of(pm_patterns_regex(patterns, "headings.roman", &err), &roman,
                                       &err),
                     PM_OK);
    assert_int_equal(pm_first_bytes_of(pm_patterns_regex(patterns, "headings.letter", &err),
                                       &letter, &err),
                     PM_OK);
    assert_true(pm_may_match(&roman, "IV. A", 5));
    assert_false(pm_may_match(&roman, "Thực hiện", 3));
    assert_true(pm_may_match(&letter, "đ) x", 5));
    assert_false(pm_may_match(&letter, "1. x", 4));
    pcre2_match_data_free(md);
}

/* Every line of the corpus, trimmed as the segmenter sees it, against every
 * filtered regex. */
static void first_bytes_agree_on_the_corpus(void **state)
{
    (void)state;
    pcre2_match_data *md = pcre2_match_data_create(32, NULL);
    assert_non_null(md);
    pm_first_bytes first[sizeof filtered / sizeof *filtered];
    const pcre2_code *re[sizeof filtered / sizeof *filtered];
    for (size_t r = 0; r < sizeof filtered / sizeof *filtered; r++) {
        pm_error err = {0};
        re[r] = pm_patterns_regex(patterns, filtered[r], &err);
        assert_non_null(re[r]);
        assert_int_equal(pm_first_bytes_of(re[r], &first[r], &err), PM_OK);
    }
    static const char *const files[] = {"corpus/000_5ed95dafb3202056.txt",
                                        "corpus/001_68122e8daa613bf5.txt",
                                        "corpus/002_04e47bc683c89453.txt",
                                        "corpus/003_bd6398dc606c56db.txt",
                                        "corpus/004_1db30e8e436d538f.txt"};
    for (size_t f = 0; f < sizeof files / sizeof *files; f++) {
        doc d = {0};
        load(&d, files[f]);
        for (size_t i = 1; i <= d.text.n_lines; i++) {
            size_t n;
            const char *line = pm_text_line_str(&d.text, i, &n);
            while (n && (*line == ' ' || *line == '\t' || *line == '*')) {
                line++;
                n--;
            }
            for (size_t r = 0; r < sizeof filtered / sizeof *filtered; r++)
                assert_filter_sound(re[r], &first[r], md, line, n);
        }
        done(&d);
    }
    pcre2_match_data_free(md);
}

static size_t naive_next_break(const char *s, size_t n, size_t from)
{
    for (size_t i = from; i < n; i++)
        if (s[i] == '\t' || s[i] == '|' ||
            (s[i] == ' ' && i + 1 < n && (s[i + 1] == ' ' || s[i + 1] == '\t')))
            return i;
    return n;
}

static size_t naive_either_letter(const char *s, size_t n, size_t from, char a, char b)
{
    for (size_t i = from; i < n; i++)
        if (s[i] == a || s[i] == b || s[i] == a - 32 || s[i] == b - 32)
            return i;
    return n;
}

static size_t naive_first_word_count(const char *s, size_t n)
{
    size_t cps = 0;
    for (size_t i = 0; i < n && s[i] != ' ' && s[i] != '\t'; i++)
        cps += ((unsigned char)s[i] & 0xC0) != 0x80;
    return cps;
}

static bool naive_space_pair(const char *s, size_t n)
{
    for (size_t i = 0; i + 1 < n; i++)
        if (s[i] == ' ' && s[i + 1] == ' ')
            return true;
    return false;
}

/* Random strings of spaces, tabs, bars, letters, multibyte characters and
 * invalid bytes, of every length up to 40, against byte-by-byte versions:
 * pairs across the 8-byte words and characters cut at the end included, and
 * the last block that ends at the end (counts and breaks past 16 bytes),
 * read from every starting offset. */
static void word_scans_agree_with_byte_scans(void **state)
{
    (void)state;
    static const char *const pieces[] = {" ", " ",  "\t", "|", "a", "Z",    "á",    "ệ",
                                         "Đ", "Ệ",  "z",  "n", "C", "\xFF", "\x80", "N"};
    unsigned long seed = 148;
    char s[64];
    for (int round = 0; round < 20000; round++) {
        size_t n = 0, want = (size_t)round % 41;
        while (n < want) {
            seed = seed * 6364136223846793005UL + 1442695040888963407UL;
            const char *p = pieces[(seed >> 33) % (sizeof pieces / sizeof *pieces)];
            size_t k = strlen(p);
            if (n + k > want) /* cut the character: its bytes alone */
                k = want - n;
            memcpy(s + n, p, k);
            n += k;
        }
        size_t cps = 0;
        for (size_t i = 0; i < n; i++)
            cps += ((unsigned char)s[i] & 0xC0) != 0x80;
        assert_int_equal(pm_utf8_count(s, n), cps);
        assert_int_equal(pm_has_space_pair(s, n), naive_space_pair(s, n));
        for (size_t from = 0; from <= n; from++) {
            size_t tail = 0;
            for (size_t i = from; i < n; i++)
                tail += ((unsigned char)s[i] & 0xC0) != 0x80;
            assert_int_equal(pm_utf8_count(s + from, n - from), tail);
            assert_int_equal(pm_first_word_count(s + from, n - from),
                             naive_first_word_count(s + from, n - from));
            assert_int_equal(pm_next_break(s, n, from), naive_next_break(s, n, from));
            assert_int_equal(pm_next_either_letter(s, n, from, 'n', 'c'),
                             naive_either_letter(s, n, from, 'n', 'c'));
        }
        /* a sure "not upper case" must be right for the letters utf8proc sees */
        size_t upper = 0, lower = 0;
        for (size_t i = 0; i < n;) {
            utf8proc_int32_t cp;
            utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)s + i,
                                                  (utf8proc_ssize_t)(n - i), &cp);
            if (k <= 0) {
                i++;
                continue;
            }
            upper += utf8proc_category(cp) == UTF8PROC_CATEGORY_LU;
            lower += utf8proc_category(cp) == UTF8PROC_CATEGORY_LL;
            i += (size_t)k;
        }
        size_t prior = (size_t)round % 3;
        if (pm_surely_not_upper(s, n, prior, prior))
            assert_true((lower + prior) * 10 > upper + prior);
    }
    /* a count over more blocks than a byte lane can hold (255 of 16 bytes) */
    static char long_text[9000];
    size_t n = 0, cps = 0;
    while (n + 4 < sizeof long_text) {
        seed = seed * 6364136223846793005UL + 1442695040888963407UL;
        const char *p = pieces[(seed >> 33) % (sizeof pieces / sizeof *pieces)];
        memcpy(long_text + n, p, strlen(p));
        n += strlen(p);
    }
    for (size_t i = 0; i < n; i++)
        cps += ((unsigned char)long_text[i] & 0xC0) != 0x80;
    assert_int_equal(pm_utf8_count(long_text, n), cps);
    /* a first word over many blocks */
    memset(long_text, 'a', 100);
    memcpy(long_text + 100, "\xC3\xA1 b", 4);
    assert_int_equal(pm_first_word_count(long_text, 104), 101);
    assert_int_equal(pm_first_word_count(long_text, 101), 101); /* á cut: its bytes */
    assert_int_equal(pm_first_word_count(long_text, 0), 0);
}

/* The docref fast path (header.c) finds the documents the plain search
 * finds: the same text segmented with the shipped regex and with a no-op
 * edit of it (the fast path off) gives the same implemented documents.
 * Kinds in every case, without a number, glued to a letter before, at the
 * very end of the text, and look-alikes without the marks. */
static void docref_fast_path_agrees(void **state)
{
    (void)state;
    static const char text[] =
        "ỦY BAN NHÂN DÂN\nTỈNH THÁI NGUYÊN\nSố: 12/KH-UBND\n"
        "Thái Nguyên, ngày 3 tháng 4 năm 2024\n\nKẾ HOẠCH\n"
        "Thực hiện NGHỊ QUYẾT SỐ 148/NQ-CP NGÀY 11/11/2022 của Chính phủ\n\n"
        "Căn cứ Nghị quyết 06-NQ/TW ngày 24/01/2022; chương trình hành động số "
        "74-CTr/TU, ngày 22 tháng 3 năm 2023; Chương Trình số 5/CTr-UBND; nghị quyết "
        "của HĐND tỉnh; nGhỊ quyết 7-NQ/TU; ạNghị quyết 3/NQ-CP; Nghi quyet 1/NQ-CP; "
        "chuong trinh 2/CTr; CHƯƠNG TRÌNH 9 / KH - UBND; nghị quyết 74-CTR/TU và Nghị\n\n"
        "Căn cứ Chương\n\nI. MỤC TIÊU\nNội dung.\n";
    assert_true(pm_header_docref_proven(segmenter));
    char dir[] = "/tmp/pm-seg-XXXXXX";
    scratch_patterns_edited(dir, "header", "(?<kind>(?i:nghị", "(?:)(?<kind>(?i:nghị");
    pm_patterns *p = NULL;
    pm_segmenter *plain = NULL;
    pm_error err = {0};
    assert_int_equal(pm_patterns_load(dir, &p, &err), PM_OK);
    assert_int_equal(pm_segmenter_new(p, &plain, &err), PM_OK);
    assert_false(pm_header_docref_proven(plain));
    doc fast = {0}, slow = {0};
    segment_with(segmenter, &fast, (const unsigned char *)text, sizeof text - 1);
    segment_with(plain, &slow, (const unsigned char *)text, sizeof text - 1);
    const pm_header *a = &fast.tree.header, *b = &slow.tree.header;
    assert_true(a->n_implements >= 6);
    assert_int_equal(a->n_implements, b->n_implements);
    for (size_t i = 0; i < a->n_implements; i++) {
        assert_string_equal(a->implements[i].number, b->implements[i].number);
        assert_string_equal(a->implements[i].kind, b->implements[i].kind);
        assert_int_equal(a->implements[i].date == NULL, b->implements[i].date == NULL);
        if (a->implements[i].date)
            assert_string_equal(a->implements[i].date, b->implements[i].date);
        assert_int_equal(a->implements[i].line, b->implements[i].line);
    }
    done(&fast);
    done(&slow);
    pm_segmenter_free(plain);
    pm_patterns_free(p);
    scratch_dir_remove(dir);
}

/* pm_range_span makes the span the builder makes of one range, whatever
 * line the caller guesses. */
static void range_span_is_the_builders(void **state)
{
    (void)state;
    doc d = {0};
    load(&d, "corpus/001_68122e8daa613bf5.txt");
    pm_span_builder b;
    pm_span_begin(&b, &d.arena, &d.text);
    for (size_t i = 0; i < d.text.n_lines; i++) {
        size_t start = d.text.line_norm[i], end = d.text.line_norm[i + 1] - 1;
        if (end > d.text.norm_len)
            end = d.text.norm_len;
        for (size_t from = start; from < end; from += 1 + (end - from) / 3) {
            pm_span want;
            pm_span_add(&b, from, end);
            assert_int_equal(pm_span_end(&b, &want), PM_OK);
            size_t hints[] = {0, i + 1, i, i + 2, d.text.n_lines + 5};
            for (size_t h = 0; h < sizeof hints / sizeof *hints; h++) {
                pm_span got;
                assert_int_equal(pm_range_span(&d.arena, &d.text, from, end, hints[h], &got),
                                 PM_OK);
                assert_int_equal(got.len, want.len);
                assert_memory_equal(got.s, want.s, want.len + 1);
                assert_int_equal(got.n_pieces, want.n_pieces);
                assert_int_equal(got.pieces[0].at, want.pieces[0].at);
                assert_int_equal(got.pieces[0].norm, want.pieces[0].norm);
                assert_int_equal(got.line, want.line);
            }
        }
    }
    pm_span_builder_free(&b);
    done(&d);
}

/* ---- failures --------------------------------------------------------------- */

static char tmpdir[64];

static void copy_patterns_except(const char *skip, const char *extra_name, const char *extra)
{
    snprintf(tmpdir, sizeof tmpdir, "/tmp/pm-segment-XXXXXX");
    scratch_dir_make(tmpdir);
    char cmd[512];
    snprintf(cmd, sizeof cmd, "cp patterns/*.pcre patterns/*.tsv %s/ && rm -f %s/%s", tmpdir,
             tmpdir, skip);
    assert_int_equal(system(cmd), 0);
    if (extra_name)
        scratch_dir_write(tmpdir, extra_name, extra);
}

static void missing_headings_pattern_fails(void **state)
{
    (void)state;
    copy_patterns_except("headings.pcre", NULL, NULL);
    pm_patterns *p;
    pm_segmenter *s = NULL;
    pm_error err = {0};
    assert_int_equal(pm_patterns_load(tmpdir, &p, &err), PM_OK);
    assert_int_equal(pm_segmenter_new(p, &s, &err), PM_ERR_PATTERN);
    assert_null(s);
    assert_non_null(strstr(err.message, "headings"));
    pm_patterns_free(p);
    scratch_dir_remove(tmpdir);
}

static void bad_province_row_fails(void **state)
{
    (void)state;
    copy_patterns_except("provinces.tsv", "provinces.tsv", "# c\nHà Nội\tthành phố\t-\nHuế\tquận\t-\n");
    pm_patterns *p;
    pm_segmenter *s = NULL;
    pm_error err = {0};
    assert_int_equal(pm_patterns_load(tmpdir, &p, &err), PM_OK);
    assert_int_equal(pm_segmenter_new(p, &s, &err), PM_ERR_PATTERN);
    assert_int_equal(err.line, 3);
    assert_non_null(strstr(err.file, "provinces.tsv"));
    pm_patterns_free(p);
    scratch_dir_remove(tmpdir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(corpus_000),
        cmocka_unit_test(corpus_001),
        cmocka_unit_test(corpus_002),
        cmocka_unit_test(corpus_003),
        cmocka_unit_test(corpus_003_paragraphs),
        cmocka_unit_test(corpus_004),
        cmocka_unit_test(variant_crlf_nbsp),
        cmocka_unit_test(variant_numbering),
        cmocka_unit_test(variant_wrapped_blank),
        cmocka_unit_test(variant_no_number),
        cmocka_unit_test(variant_hardwrap),
        cmocka_unit_test(variant_word_export),
        cmocka_unit_test(space_aligned_columns),
        cmocka_unit_test(markdown_header_table),
        cmocka_unit_test(leftovers_are_paragraphs),
        cmocka_unit_test(empty_text),
        cmocka_unit_test(first_bytes_never_skip_a_match),
        cmocka_unit_test(first_bytes_agree_on_the_corpus),
        cmocka_unit_test(word_scans_agree_with_byte_scans),
        cmocka_unit_test(docref_fast_path_agrees),
        cmocka_unit_test(range_span_is_the_builders),
        cmocka_unit_test(date_cut_by_a_hard_wrap),
        cmocka_unit_test(missing_headings_pattern_fails),
        cmocka_unit_test(bad_province_row_fails),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
