#!/usr/bin/env bash
# Rehearses the user guide (docs/huong-dan/): runs its commands in its order on a throwaway
# store and saves each command with its output and exit code to $OUT/NN.txt, so that the
# outputs pasted in docs/huong-dan/ and docs/guide/ can be compared with what the CLI prints
# now. The guide shows paths under /tmp/tap-duot, hence the default store.
#
#   scripts/guide_rehearsal.sh            # store /tmp/tap-duot, outputs /tmp/guide-out
#   WORK=/tmp/x OUT=/tmp/y scripts/guide_rehearsal.sh
#
# Needs the repository's .venv (make install). Signed links carry a token that differs on
# every run; everything else is the same run after run (every date is explicit).
set -u
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
WORK=${WORK:-/tmp/tap-duot}
OUT=${OUT:-/tmp/guide-out}
REVIEWED="$REPO/docs/samples/ke-hoach-da-ra-soat"
rm -rf "$WORK" "$OUT"
mkdir -p "$WORK" "$OUT"
cp -r "$REPO/definitions" "$WORK/"
cp "$REPO/tests/importer/documents/kh-phong-thu-dan-su.docx" "$WORK/kh-36-phong-thu-dan-su.docx"
export PLANFLOW_HOME="$WORK/du-lieu" PATH="$REPO/.venv/bin:$PATH"
cd "$WORK" || exit 1
export COLUMNS=100
PLANFLOW_SECRET=$(python3 -c 'print("d"*48)')
export PLANFLOW_SECRET PLANFLOW_PUBLIC_URL=https://planflow.binhminh.gov.vn
export PLANFLOW_MAIL_SUBJECT_PREFIX='[VP UBND phường Bình Minh]'
n=0
run() {
  n=$((n + 1))
  f=$(printf '%s/%02d.txt' "$OUT" "$n")
  { echo "\$ $*"; eval "$@" 2>&1; echo "[rc=$?]"; } >"$f"
}
# nhap-ke-hoach.md
run planflow import kh-36-phong-thu-dan-su.docx
run planflow import kh-36-phong-thu-dan-su.docx
run "planflow import kh-36-phong-thu-dan-su.docx -o - | head -3"
run "planflow import kh-36-phong-thu-dan-su.docx --units definitions/units/binh-minh.yaml -o - | head -3"
run "planflow import kh-36-phong-thu-dan-su.docx --year 2026 -o - | head -3"
cp definitions/units/binh-minh.yaml "$OUT/units-after-1.yaml"
rm definitions/units/binh-minh.yaml
run planflow import kh-36-phong-thu-dan-su.docx --force
# ra-soat.md: the draft as imported, then the reviewed draft
run planflow validate --strict definitions/plans/binh-minh-36-2026.yaml
cp definitions/plans/binh-minh-36-2026.yaml "$OUT/draft-plan.yaml"
cp definitions/units/binh-minh.yaml "$OUT/draft-units.yaml"
cp "$REVIEWED/binh-minh-36-2026.yaml" definitions/plans/
cp "$REVIEWED/binh-minh.yaml" definitions/units/
run planflow validate --strict definitions/plans/binh-minh-36-2026.yaml
# two mistakes the guide shows, each on a fresh copy of loc-tan-2025
sed -i '122s/    lead:/    owner:/' definitions/plans/loc-tan-2025.yaml
run planflow validate definitions/plans/loc-tan-2025.yaml
cp "$REPO/definitions/plans/loc-tan-2025.yaml" definitions/plans/
sed -i '186s/    when: .*/    when: monthly/' definitions/plans/loc-tan-2025.yaml
run planflow validate definitions/plans/loc-tan-2025.yaml
cp "$REPO/definitions/plans/loc-tan-2025.yaml" definitions/plans/
run planflow sync
run planflow status binh-minh-36-2026 --as-of 2026-03-02
# tien-do.md
run planflow link binh-minh-36-2026 --unit cong-an-phuong
run planflow export loc-tan-2026 --as-of 2026-04-07 --unit phong-kinh-te -o kinh-te.xlsx
python - <<'PY'
import openpyxl
wb = openpyxl.load_workbook("kinh-te.xlsx"); ws = wb.active
ws["F6"] = "Đang thực hiện"; ws["F7"] = "60%"
ws["G7"] = "Đã hướng dẫn 35 hộ kinh doanh mở tài khoản thanh toán"; ws["F8"] = "Hoàn thành chậm"
wb.save("kinh-te.xlsx")
PY
run planflow import-progress kinh-te.xlsx --dry-run --at 2026-04-08
python - <<'PY'
import openpyxl
wb = openpyxl.load_workbook("kinh-te.xlsx"); wb.active["F8"] = None; wb.save("kinh-te.xlsx")
PY
run planflow import-progress kinh-te.xlsx --dry-run --at 2026-04-08
run planflow import-progress kinh-te.xlsx --at 2026-04-08
run planflow import-progress kinh-te.xlsx --at 2026-04-08
run planflow progress binh-minh-36-2026 kien-toan-ban-chi-huy-phong-thu --status done --by ban-chi-huy-quan-su-phuong --at 2026-03-02 --note "'Đã ban hành Quyết định kiện toàn số 45/QĐ-UBND'"
run planflow progress binh-minh-36-2026 xay-dung-cap-nhat-phuong-an-phong --status in_progress --percent 40 --by ban-chi-huy-quan-su-phuong --at 2026-03-02
run planflow progress binh-minh-36-2026 bao-cao-hang-thang --period 2026-02 --status done --by cac-don-vi-khu-pho --at 2026-03-02
run planflow status binh-minh-36-2026 --as-of 2026-03-02
# bang-theo-doi.md
run "printf 'mat-khau-van-phong\nmat-khau-van-phong\n' | planflow user add vanphong --role standing --directory loc-tan --name \"Văn phòng HĐND và UBND xã\""
run "printf 'mat-khau-can-bo-lan\nmat-khau-can-bo-lan\n' | planflow user add lan --role officer --directory loc-tan --unit \"Phòng VH-XH\""
run planflow user list
run "printf 'mat-khau-moi-cua-lan\nmat-khau-moi-cua-lan\n' | planflow user reset lan"
run planflow user disable lan
run planflow ics loc-tan-2026 --unit phong-kinh-te -o kinh-te.ics
# thong-bao.md
run planflow notices binh-minh-36-2026 --as-of 2026-03-12
run "planflow simulate binh-minh-36-2026 --from 2026-03-01 --to 2026-03-31 | tail -3"
run planflow outbox
run planflow outbox --failed
run planflow outbox --retry
# bao-cao.md
run planflow reports binh-minh-36-2026 --as-of 2026-03-16
run planflow report build binh-minh-36-2026/bao-cao-hang-quy --period 2026-Q1 --as-of 2026-03-16 -f pdf -o bc-quy-I.pdf
run planflow report build loc-tan-2026/bao-cao-dinh-ky --period 2026-Q1 --unit cong-an-xa -f docx -o cong-an-q1.docx
run planflow report send binh-minh-36-2026/bao-cao-hang-quy --period 2026-Q1 --at 2026-03-18 --note "'Số 12/BC-UBND'"
run planflow report template -o definitions/templates/report.docx
# cap-tinh.md
run "printf 'mat-khau-so-khcn-tinh\nmat-khau-so-khcn-tinh\n' | planflow user add so-khcn --role reviewer --directory dong-nai --name \"Sở Khoa học và Công nghệ\""
run planflow progress loc-tan-2025 hoi-nghi-nq57 --status done --by phong-vhxh --at 2025-10-08
run planflow progress loc-tan-2025 thi-truc-tuyen-cds-cchc --status done --by phong-vhxh --at 2025-10-10
run planflow progress loc-tan-2025 tthc-phi-dia-gioi --status done --by ttpvhcc --at 2025-10-30
run planflow progress loc-tan-2025 bao-cao-ket-qua --status done --by phong-kinh-te --at 2025-10-21
run planflow progress loc-tan-2025 bao-cao-ket-qua --status done --by ttpvhcc --at 2025-10-21
run planflow progress loc-tan-2025 bao-cao-ket-qua --status done --by ttdvth --at 2025-10-21
run planflow progress loc-tan-2025 bao-cao-ket-qua --status done --by phong-chuyen-mon-xa --at 2025-10-21
run planflow report send loc-tan-2025/bao-cao-ket-qua --at 2025-10-28 --note "'Số 85/BC-UBND'"
run planflow report monitor dong-nai-99-2025 --as-of 2025-10-31
run planflow report monitor dong-nai-99-2025 --as-of 2025-10-31 -f xlsx -o phan-loai.xlsx
run planflow report monitor dong-nai-99-2025 --as-of 2025-10-31 -f csv
# the daily check of 02/03/2026 whose mail thong-bao.md shows
run planflow check --as-of 2026-03-02
echo "$n commands; outputs in $OUT"
