"""What every key of a definition file means, in Vietnamese and English, with examples.

The JSON Schema (``planflow schema``) and the reference page take their descriptions from
here; a field of the models without an entry stops the generation (so a new field cannot
ship undocumented). Each entry: (Vietnamese, English, examples).
"""

from __future__ import annotations

from typing import Any

Doc = tuple[str, str, list[Any]]

MODELS: dict[str, tuple[str, str]] = {
    "UnitDirectory": (
        "Danh mục đơn vị của một xã (hoặc tỉnh), file definitions/units/<id>.yaml",
        "the unit directory of one commune or province",
    ),
    "Unit": ("Một cơ quan, đơn vị có thể chủ trì hoặc phối hợp", "one body that can lead or support a task"),
    "Contact": (
        "Một người: người đứng đầu, hoặc người báo cáo vượt cấp",
        "a person: a head, or whom to escalate to",
    ),
    "Plan": ("Một Kế hoạch, file definitions/plans/<id>.yaml", "a plan (Kế hoạch)"),
    "Signer": ("Khối chữ ký của văn bản", "the signature block"),
    "IssuingDecision": ("Quyết định ban hành kèm theo", "the decision the plan is issued with"),
    "PlanPeriod": ("Thời gian thực hiện kế hoạch", "the period the plan covers"),
    "Target": ("Một chỉ tiêu có số", "a numeric target (chỉ tiêu)"),
    "Task": ("Một nhiệm vụ, hoạt động của kế hoạch", "one activity of the plan"),
    "EscalationPolicy": ("Các bước nhắc việc và báo cáo vượt cấp", "the ladder of reminders and escalations"),
    "EscalationStep": ("Một bước nhắc việc", "one rung of the ladder"),
    "Recipient": ("Nơi nhận báo cáo", "who receives a report"),
    "ReportObligation": ("Một chế độ báo cáo bắt buộc", "a mandatory report"),
    "ReportInput": ("Các đơn vị gửi số liệu cho đơn vị tổng hợp", "units sending their part to the compiler"),
    "When": ("Thời gian thực hiện, hạn", "when: a day, a window, a deadline, a cadence …"),
}

FIELDS: dict[str, dict[str, Doc]] = {
    "UnitDirectory": {
        "id": (
            "Mã danh mục, trùng tên file (chữ thường không dấu)",
            "directory id, the file's name",
            ["loc-tan"],
        ),
        "name": ("Tên xã, phường hoặc tỉnh", "name of the commune or province", ["Xã Lộc Tấn"]),
        "level": (
            "Cấp: commune (xã) hoặc province (tỉnh); bỏ trống thì đọc từ tên",
            "level of the body; unset, read from the name",
            ["commune", "province"],
        ),
        "units": (
            "Danh sách đơn vị",
            "the units",
            [[{"id": "ubnd-xa", "name": "Ủy ban nhân dân xã Lộc Tấn"}]],
        ),
    },
    "Unit": {
        "id": ("Mã đơn vị (chữ thường không dấu, '-')", "unit id", ["phong-vhxh"]),
        "name": (
            "Tên đơn vị như kế hoạch ghi",
            "display name as plans write it",
            ["Phòng Văn hóa - Xã hội xã Lộc Tấn"],
        ),
        "aliases": (
            "Cách viết khác, viết tắt (để nhận ra tên trong kế hoạch)",
            "other spellings and abbreviations",
            [["Phòng Văn hóa - Xã hội", "Phòng VH-XH"]],
        ),
        "kind": ("Loại cơ quan", "what sort of body", ["department", "peoples_committee", "group"]),
        "emails": (
            "Địa chỉ e-mail nhận nhắc việc",
            "addresses that receive notices",
            [["vhxh@loc-tan.example"]],
        ),
        "head": (
            "Người đứng đầu",
            "the head",
            [{"name": "Nguyễn Văn A", "title": "Trưởng phòng", "email": "a@loc-tan.example"}],
        ),
        "escalation": (
            "Người nhận báo cáo vượt cấp, nếu không phải người đứng đầu",
            "whom to escalate to, if not the head",
            [{"name": "Nguyễn Sĩ Quân", "title": "Phó Chủ tịch UBND xã"}],
        ),
        "parent": ("Đơn vị cấp trên trong danh mục (mã)", "parent unit id", ["ubnd-xa"]),
        "members": (
            "Với một nhóm (kind: group): các đơn vị thành viên",
            "for a group: its member ids",
            [["phong-vhxh", "phong-kinh-te"]],
        ),
        "abbreviation": ("Ký hiệu sau 'Lưu: VT,'", "the abbreviation after 'Lưu: VT,'", ["VHXH"]),
        "relation": (
            "Quan hệ với cơ quan của danh mục: own, subordinate, superior, outside; "
            "bỏ trống thì suy ra từ loại, cấp trên và tên",
            "how the unit stands to the directory's body; unset, inferred",
            ["subordinate", "outside"],
        ),
    },
    "Contact": {
        "name": ("Họ tên (hoặc chức danh nếu chưa biết tên)", "full name (or title)", ["Nguyễn Văn A"]),
        "title": ("Chức vụ", "title", ["Chủ tịch Ủy ban nhân dân xã"]),
        "email": ("E-mail", "e-mail address", ["chutich@loc-tan.example"]),
        "phone": ("Số điện thoại", "phone number", ["0251 3800 000"]),
    },
    "Plan": {
        "id": ("Mã kế hoạch, trùng tên file", "plan id, the file's name", ["loc-tan-2025"]),
        "document_number": ("Số, ký hiệu văn bản", "document number", ["123/KH-UBND"]),
        "title": (
            "Trích yếu của kế hoạch",
            "the plan's title",
            ["Tổ chức các hoạt động hưởng ứng Ngày Chuyển đổi số Quốc gia năm 2025"],
        ),
        "issuer": ("Cơ quan ban hành", "issuing body", ["Ủy ban nhân dân xã Lộc Tấn"]),
        "place": ("Địa danh ghi trước ngày ban hành", "the place before the date", ["Lộc Tấn"]),
        "issued": ("Ngày ban hành", "date issued", ["2025-09-25"]),
        "decision": (
            "Quyết định ban hành kèm theo (nếu có)",
            "the issuing decision, if any",
            [{"number": "4385/QĐ-UBND", "issued": "2025-10-01"}],
        ),
        "signer": (
            "Người ký",
            "the signer",
            [{"authority": "KT. CHỦ TỊCH", "title": "PHÓ CHỦ TỊCH", "name": "Nguyễn Sĩ Quân"}],
        ),
        "period": (
            "Thời gian thực hiện kế hoạch",
            "the plan's period",
            [{"start": "2025-09-20", "end": "2025-12-31"}],
        ),
        "timezone": ("Múi giờ", "time zone", ["Asia/Ho_Chi_Minh"]),
        "units": ("Mã danh mục đơn vị trong definitions/units/", "id of the unit directory", ["loc-tan"]),
        "standing_unit": (
            "Cơ quan thường trực (mã hoặc tên đơn vị)",
            "the standing unit (id or name)",
            ["Phòng Văn hóa - Xã hội"],
        ),
        "parent_plan": (
            "Mã kế hoạch cấp trên mà kế hoạch này triển khai",
            "id of the plan this one implements",
            ["dong-nai-99-2025"],
        ),
        "legal_bases": (
            "Căn cứ ban hành",
            "legal bases",
            [["Quyết định số 505/QĐ-TTg ngày 22/4/2022 của Thủ tướng Chính phủ"]],
        ),
        "objectives": (
            "Mục đích, yêu cầu",
            "objectives and requirements",
            [["Nâng cao nhận thức của người dân về chuyển đổi số."]],
        ),
        "targets": (
            "Chỉ tiêu chung của kế hoạch",
            "the plan's own targets",
            [[{"metric": "tỷ lệ hồ sơ trực tuyến", "comparator": ">=", "value": 80, "unit": "%"}]],
        ),
        "budget_total": (
            "Tổng kinh phí (triệu đồng; '4.430' là bốn nghìn bốn trăm ba mươi)",
            "total budget, million VND",
            [4430, "4.430"],
        ),
        "distribution": ("Nơi nhận", "distribution list", [["UBND tỉnh", "Lưu: VT."]]),
        "tasks": (
            "Các nhiệm vụ",
            "the tasks",
            [[{"id": "tuyen-truyen", "title": "Tuyên truyền", "lead": ["ttdvth"], "when": "Thường xuyên"}]],
        ),
        "reports": (
            "Chế độ báo cáo",
            "report duties",
            [
                [
                    {
                        "id": "bao-cao-quy",
                        "title": "Báo cáo quý",
                        "compiler": "phong-vhxh",
                        "recipients": [{"unit": "ubnd-xa"}],
                        "when": {"every": "quarter"},
                    }
                ]
            ],
        ),
        "escalation": (
            "Các bước nhắc việc chung (nhiệm vụ có thể ghi riêng)",
            "the plan's reminder ladder",
            [
                {
                    "steps": [
                        {"offset": -3, "to": ["lead"]},
                        {"offset": 1, "to": ["lead"], "cc": ["standing"], "template": "overdue"},
                    ]
                }
            ],
        ),
        "day_off": (
            "Hạn rơi vào ngày nghỉ: next (dời sau), previous (dời trước), keep (giữ)",
            "a due date on a day off moves: next, previous, keep",
            ["next"],
        ),
        "before": (
            "'trước ngày X' nghĩa là: day_before (hạn ngày X-1) hoặc that_day (hạn ngày X)",
            "how 'trước ngày X' is read",
            ["day_before", "that_day"],
        ),
        "days_off": ("Ngày nghỉ thêm (ngoài lịch nghỉ lễ)", "extra days off", [["2025-12-24"]]),
        "extra_working_days": (
            "Ngày làm việc bù (thứ Bảy, Chủ nhật đi làm)",
            "extra working days",
            [["2025-12-27"]],
        ),
        "upcoming_days": ("Số ngày xem trước các việc sắp đến hạn", "'upcoming' horizon in days", [7]),
        "digest": ("Gộp mỗi người nhận một thư mỗi lần chạy", "one message per recipient and run", [True]),
        "coordination": (
            "Gửi đề nghị phối hợp tới cơ quan cấp trên, bên ngoài",
            "send polite coordination requests to superior and outside units",
            [False],
        ),
        "example": (
            "Kế hoạch minh hoạ: không gửi thư trừ khi bật ví dụ",
            "an illustration: the check sends nothing for it",
            [False],
        ),
        "description": (
            "Ghi chú về kế hoạch (với ví dụ: vì sao)",
            "what the plan is",
            ["Ví dụ minh hoạ cho hướng dẫn."],
        ),
    },
    "Signer": {
        "authority": (
            "Thẩm quyền ký: TM., KT., Q.",
            "signing authority",
            ["KT. CHỦ TỊCH", "TM. ỦY BAN NHÂN DÂN"],
        ),
        "title": ("Chức vụ người ký", "signer's title", ["PHÓ CHỦ TỊCH"]),
        "name": ("Họ tên người ký", "signer's name", ["Nguyễn Sĩ Quân"]),
        "email": ("E-mail người ký", "signer's e-mail", ["pct@loc-tan.example"]),
    },
    "IssuingDecision": {
        "number": ("Số quyết định", "decision number", ["4385/QĐ-UBND"]),
        "issued": ("Ngày quyết định", "decision date", ["2025-10-01"]),
    },
    "PlanPeriod": {
        "start": ("Ngày bắt đầu", "first day", ["2025-09-20"]),
        "end": ("Ngày kết thúc", "last day", ["2025-12-31"]),
    },
    "Target": {
        "id": (
            "Mã chỉ tiêu (mặc định: tên chỉ tiêu)",
            "target id (default: the metric)",
            ["ho-so-truc-tuyen"],
        ),
        "metric": ("Tên chỉ tiêu", "what is measured", ["người dân được hướng dẫn"]),
        "comparator": ("So sánh: >=, >, =, <=, < (≥, ≤ cũng được)", "comparator", [">=", "≥"]),
        "value": ("Giá trị chỉ tiêu", "target value", [200, 80.5]),
        "unit": ("Đơn vị tính", "unit of measure", ["người", "%"]),
        "text": (
            "Lời văn của văn bản",
            "the document's own wording",
            ["Ít nhất 200 người dân được hướng dẫn"],
        ),
    },
    "Task": {
        "id": ("Mã nhiệm vụ, duy nhất trong kế hoạch", "task id, unique in the plan", ["tuyen-truyen"]),
        "label": ("Số thứ tự như văn bản ghi", "label as in the document", ["a)", "2.3", "III.1"]),
        "section": ("Mục lớn chứa nhiệm vụ", "the heading it sits under", ["II. NỘI DUNG"]),
        "title": ("Nội dung nhiệm vụ", "what is to be done", ["Tổ chức tuyên truyền về Ngày Chuyển đổi số"]),
        "lead": (
            "Đơn vị chủ trì (mã hoặc tên trong danh mục đơn vị)",
            "lead units: ids or names",
            [["phong-vhxh"], ["Trung tâm Dịch vụ tổng hợp"]],
        ),
        "support": ("Đơn vị phối hợp", "supporting units", [["Công an xã", "cac-ap"]]),
        "support_groups": (
            "Nhóm phối hợp chỉ ghi chung (không báo tin)",
            "supporters named only as a group, never notified",
            [["Các cơ quan, đơn vị liên quan"]],
        ),
        "guide": ("Đơn vị hướng dẫn", "guiding units", [["so-khcn"]]),
        "monitor": ("Đơn vị theo dõi, đánh giá, tổng hợp", "monitoring units", [["vp-hdnd-ubnd"]]),
        "when": (
            "Thời gian thực hiện, hạn",
            "when",
            ["Trước ngày 05/10/2025", {"by": "2025-10-05"}, {"every": "quarter"}],
        ),
        "depends_on": ("Mã các nhiệm vụ phải xong trước", "ids of tasks that come first", [["ke-hoach"]]),
        "targets": (
            "Chỉ tiêu của nhiệm vụ",
            "the task's targets",
            [[{"metric": "tin bài", "value": 2, "unit": "tin"}]],
        ),
        "budget": ("Kinh phí (triệu đồng)", "budget, million VND", [50, "4.430"]),
        "venue": ("Địa điểm", "venue", ["Hội trường UBND xã"]),
        "participants": ("Thành phần tham dự", "participants", ["Cán bộ, công chức xã"]),
        "audience": ("Đối tượng", "audience", ["Người dân trên địa bàn xã"]),
        "modality": ("Hình thức", "form (in person, online …)", ["Trực tuyến kết hợp trực tiếp"]),
        "content": ("Nội dung chi tiết", "details", ["Hướng dẫn cài đặt VNeID"]),
        "products": ("Sản phẩm, kết quả", "products, expected results", ["Báo cáo kết quả"]),
        "funding": ("Nguồn kinh phí như văn bản ghi", "source of funds as written", ["Ngân sách xã"]),
        "notes": ("Ghi chú", "notes", ["Phối hợp với Bưu điện"]),
        "review": (
            "Điểm còn nghi vấn cần xác nhận (KIỂM TRA)",
            "a doubt kept open, to confirm",
            ["Văn bản ghi hai hạn khác nhau; chọn hạn sớm hơn"],
        ),
        "escalation": (
            "Các bước nhắc việc riêng của nhiệm vụ",
            "the task's own ladder",
            [{"steps": [{"offset": -2, "to": ["lead"]}]}],
        ),
    },
    "EscalationPolicy": {
        "steps": (
            "Các bước, offset tăng dần",
            "the steps, by increasing offset",
            [[{"offset": -3, "to": ["lead"]}, {"offset": 2, "to": ["head"], "template": "escalation"}]],
        ),
    },
    "EscalationStep": {
        "offset": (
            "Số ngày so với hạn (âm: trước hạn)",
            "days from the due date (negative: before)",
            [-3, 1, 5],
        ),
        "working_days": ("Đếm theo ngày làm việc", "count working days", [True]),
        "to": (
            "Người nhận: lead, support, standing, head, signer hoặc unit:<mã>",
            "recipients",
            [["lead"], ["head", "unit:vp-hdnd-ubnd"]],
        ),
        "cc": ("Đồng gửi", "copied", [["standing"]]),
        "template": (
            "Mẫu thư: reminder (nhắc), overdue (quá hạn), escalation (vượt cấp)",
            "wording",
            ["reminder", "overdue", "escalation"],
        ),
    },
    "Recipient": {
        "unit": ("Đơn vị nhận (mã hoặc tên trong danh mục)", "a unit of the directory", ["ubnd-tinh"]),
        "name": ("Tên cơ quan ngoài danh mục", "an outside body's name", ["Sở Khoa học và Công nghệ"]),
        "emails": ("E-mail của cơ quan ngoài danh mục", "its addresses", [["sokhcn@dongnai.example"]]),
    },
    "ReportObligation": {
        "id": ("Mã báo cáo", "report id", ["bao-cao-quy"]),
        "title": ("Tên báo cáo", "report title", ["Báo cáo kết quả thực hiện Kế hoạch"]),
        "kind": ("Loại: periodic (định kỳ), thematic (chuyên đề), ad_hoc (đột xuất)", "kind", ["periodic"]),
        "compiler": ("Đơn vị tổng hợp, gửi báo cáo", "the compiling unit", ["phong-vhxh"]),
        "recipients": (
            "Nơi nhận báo cáo",
            "recipients",
            [[{"unit": "ubnd-xa"}, {"name": "Sở KH&CN", "emails": ["sokhcn@dongnai.example"]}]],
        ),
        "addressee": ("Dòng 'Kính gửi'", "the 'Kính gửi' line", ["UBND tỉnh (qua Sở Khoa học và Công nghệ)"]),
        "when": ("Hạn báo cáo", "when it is due", [{"every": "quarter", "due": {"day_of_last_month": 15}}]),
        "cutoff": (
            "Thời điểm chốt số liệu: decree09, calendar, plan",
            "which days the figures cover",
            ["decree09"],
        ),
        "draft_lead_days": (
            "Số ngày làm việc soạn dự thảo trước hạn",
            "working days to draft before due",
            [3],
        ),
        "covers": (
            "Mã nhiệm vụ báo cáo (trống: cả kế hoạch)",
            "task ids covered (empty: all)",
            [["tuyen-truyen"]],
        ),
        "inputs": (
            "Các đơn vị gửi số liệu trước",
            "units sending their part first",
            [[{"units": ["cac-ap"], "lead_days": 5}]],
        ),
        "source": (
            "Câu trong kế hoạch quy định báo cáo",
            "the sentence it comes from",
            ["Định kỳ hằng quý báo cáo UBND xã"],
        ),
        "notes": ("Ghi chú", "notes", ["Gửi kèm phụ lục số liệu"]),
        "review": (
            "Điểm còn nghi vấn cần xác nhận (KIỂM TRA)",
            "a doubt kept open, to confirm",
            ["Kế hoạch không ghi hạn; chọn ngày 15 tháng cuối quý"],
        ),
        "escalation": (
            "Các bước nhắc việc riêng của báo cáo",
            "the report's own ladder",
            [{"steps": [{"offset": -3, "to": ["lead"]}]}],
        ),
    },
    "ReportInput": {
        "units": ("Các đơn vị gửi số liệu", "sending units", [["cac-ap", "tram-y-te"]]),
        "when": (
            "Hạn riêng (mặc định: lead_days trước hạn báo cáo)",
            "their own schedule",
            [{"every": "quarter", "due": {"day_of_last_month": 10}}],
        ),
        "lead_days": ("Số ngày làm việc trước hạn báo cáo", "working days before the report", [5]),
        "title": ("Tên phần số liệu", "title of their part", ["Số liệu của các ấp"]),
    },
}

ENUMS: dict[str, tuple[str, str]] = {
    "UnitKind": ("Loại cơ quan", "sort of body"),
    "UnitRelation": (
        "own: chính cơ quan; subordinate: cấp dưới; superior: cấp trên; outside: bên ngoài",
        "how the unit stands to the directory's body",
    ),
    "Cadence": (
        "Chu kỳ: month (tháng), quarter (quý), half (6 tháng), year (năm)",
        "length of a recurring period",
    ),
    "ReportKind": ("Loại báo cáo (Nghị định 09/2019 Điều 4)", "report kind (Decree 09/2019 Art. 4)"),
    "Cutoff": (
        "decree09: từ ngày 15 tháng trước đến 14; calendar: theo lịch; plan: từ đầu kế hoạch",
        "which days a report covers",
    ),
    "DayOffRule": ("Hạn rơi vào ngày nghỉ", "where a due date on a day off moves"),
    "BeforeRule": ("Cách hiểu 'trước ngày X'", "how 'trước ngày X' is read"),
}

# The hand-written forms of ``when:`` (planflow.when.coerce), keys of its mapping form.
WHEN_KEYS: dict[str, tuple[dict[str, Any], Doc]] = {
    "date": ({"type": "string", "format": "date"}, ("Một ngày", "one day", ["2025-10-08"])),
    "from": (
        {"type": "string", "format": "date"},
        ("Từ ngày (với to, by hoặc every)", "from (with to, by or every)", ["2025-10-01"]),
    ),
    "to": ({"type": "string", "format": "date"}, ("Đến ngày", "to", ["2025-11-01"])),
    "by": ({"type": "string", "format": "date"}, ("Hạn chót", "deadline", ["2025-10-05"])),
    "then": ({"enum": ["ongoing"]}, ("Sau đó thực hiện thường xuyên", "then keeps running", ["ongoing"])),
    "month": (
        {"type": ["string", "integer"]},
        ("Tháng (2025-10, hoặc 10: năm của kế hoạch)", "a month", ["2025-10"]),
    ),
    "part": (
        {"enum": ["whole", "early", "middle", "late"]},
        ("Phần tháng: early (đầu), middle (giữa), late (cuối)", "part of the month", ["early"]),
    ),
    "quarter": ({"type": "string"}, ("Quý (2026-Q2, hoặc Q2)", "a quarter", ["2026-Q2", "Q2"])),
    "every": (
        {
            "anyOf": [
                {"$ref": "#/$defs/Cadence"},
                {"type": "array", "items": {"$ref": "#/$defs/Cadence"}, "minItems": 1},
            ]
        },
        ("Chu kỳ: month, quarter, half (6 tháng), year", "cadence", ["quarter", ["quarter", "half", "year"]]),
    ),
    "due": (
        {"anyOf": [{"enum": ["end", "last_week"]}, {"$ref": "#/$defs/WhenDue"}]},
        (
            "Hạn của mỗi kỳ (mặc định: cuối kỳ)",
            "when each period is due",
            ["last_week", {"day_of_next_month": 10}],
        ),
    ),
    "times": (
        {"$ref": "#/$defs/Frequency"},
        ("Số lần mỗi kỳ", "how many times per period", [{"min": 2, "unit": "tin"}]),
    ),
    "on": (
        {"type": "array", "items": {"type": ["string", "integer"]}},
        (
            'Ngày cố định hằng năm ("30/11") hoặc cả tháng (12)',
            "fixed days of every year",
            [["01/06", "15/11"], [12]],
        ),
    ),
    "before": ({"type": "boolean"}, ("Viết 'trước ngày'", "written 'trước' the day", [True])),
    "ongoing": (
        {"anyOf": [{"type": "boolean"}, {"$ref": "#/$defs/WhenOngoing"}]},
        (
            "Thường xuyên, có thể kèm from/to/until",
            "no deadline",
            [{"from": "2025-09-23", "until": "nghiệm thu"}],
        ),
    ),
    "event": (
        {"type": "string", "minLength": 1},
        ("Theo sự kiện", "happens when something else does", ["Theo Giấy mời từng sự kiện"]),
    ),
    "after": ({"type": "string"}, ("Mã nhiệm vụ của sự kiện đó", "the task id of that event", ["phe-duyet"])),
    "text": ({"type": "string"}, ("Lời văn của văn bản", "the document's wording", ["Trong tháng 10/2025"])),
    "tentative": ({"type": "boolean"}, ("'Dự kiến': ngày có thể đổi", "a date that may move", [True])),
}

WHEN_DUE_KEYS: dict[str, tuple[dict[str, Any], Doc]] = {
    "day_of_next_month": (
        {"type": "integer", "minimum": 1, "maximum": 31},
        ("Ngày N của tháng sau kỳ", "day N of the month after", [10]),
    ),
    "day_of_last_month": (
        {"type": "integer", "minimum": 1, "maximum": 31},
        ("Ngày N của tháng cuối kỳ", "day N of the period's last month", [25]),
    ),
    "day_of_month": (
        {"type": "integer", "minimum": 1, "maximum": 31},
        ("Ngày N hằng tháng", "day N of the month", [15]),
    ),
    "days_after_end": ({"type": "integer"}, ("Số ngày sau cuối kỳ", "days after the period ends", [5])),
    "working": ({"type": "boolean"}, ("Đếm ngày làm việc", "count working days", [True])),
}

WHEN_ONGOING_KEYS: dict[str, tuple[dict[str, Any], Doc]] = {
    "from": ({"type": "string", "format": "date"}, ("Từ ngày", "from", ["2025-09-23"])),
    "to": ({"type": "string", "format": "date"}, ("Đến ngày", "to", ["2025-12-31"])),
    "until": ({"type": "string"}, ("Đến khi (sự kiện)", "until (an event)", ["nghiệm thu"])),
}

FREQUENCY_KEYS: dict[str, tuple[dict[str, Any], Doc]] = {
    "min": ({"type": "integer", "minimum": 0}, ("Ít nhất", "at least", [2])),
    "max": ({"type": "integer", "minimum": 0}, ("Nhiều nhất", "at most", [3])),
    "unit": ({"type": "string", "minLength": 1}, ("Đơn vị đếm", "what is counted", ["tin", "đợt"])),
}

WHEN_STRING: Doc = (
    "Lời văn của văn bản, vd. 'Trước ngày 05/10/2025', 'Quý II/2026', 'Hàng quý', 'Thường xuyên'",
    "the document's Vietnamese wording",
    ["Trước ngày 05/10/2025", "Từ ngày 01/10/2025 - 01/11/2025", "Hàng quý", "Thường xuyên"],
)
