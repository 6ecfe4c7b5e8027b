"""The Chinese of the forms made from the steps (api/pages/step_forms.py): each
step's name and the first sentence of its docstring (ledger/steps), each body
field's label and hint (api/http/step_bodies.py). English as the form shows it
→ Chinese; api/pages/language.py adds these to its catalogue. A test makes
every role's forms and checks each text here has its Chinese and no entry is
left over, so a step or field renamed in the ledger shows here."""

from __future__ import annotations

STEP_CHINESE: dict[str, str] = {
    # the steps: the button's name, then the summary line
    "end epidemic period": "登记疫情解除",
    "Record the day the city declared the epidemic over (H5: 需待我市疫情解除后); from that day offline practical "
    "training is allowed and H3 prepayment stops.":
        "登记本市宣布疫情解除的日期（H5：需待我市疫情解除后）；自该日起允许线下实操培训，H3 预拨停止。",
    "adopt segmented subsidy": "实行分段补贴",
    "A city opts in to segmented training, assessment and subsidy (S2: 设区的市可制定具体实施细则), naming the "
    "platform's percent, at most the profile's ceiling (不高于…20%).":
        "设区的市选择实行分段培训、分段考核、分段补贴（S2：设区的市可制定具体实施细则），"
        "并确定线上培训平台所占比例，不超过政策上限（不高于…20%）。",
    "claw back": "追回资金",
    "Recover every fen paid on a voucher found fraudulent (L12), or prepaid or paid as allowance on a voucher that "
    "left the loop (expired, rejected, failed): the money goes back to its fund.":
        "追回经查实骗取补贴的培训券上已拨付的全部资金（L12），或已退出流程（过期、审核未通过、考核不合格）"
        "的培训券上已预拨或作为生活费补贴发放的资金：资金退回原资金来源。",
    "open notice": "开始公示",
    "Open the public notice (公示) after an approving review (H3, H7).": "审核通过后开始公示（H3、H7）。",
    "raise objection": "提出异议",
    "Object during the public notice (H7).": "在公示期内提出异议（H7）。",
    "close notice": "结束公示",
    "Close the notice when its period has run: cleared, or an objection upheld (H7).":
        "公示期满后结束公示：无异议，或异议成立（H7）。",
    "register party": "登记参与方",
    "Register a party with its first public key (the root registers bureaus, finance and inspectors; a bureau "
    "registers institutions, platforms, assessors and trainees of its region).":
        "登记参与方及其首个公钥（根账户登记人社局、财政局和监管方；人社局登记本地区的培训机构、线上培训平台、"
        "评价机构和劳动者）。",
    "rotate key": "更换密钥",
    "Replace a party's key; events signed before still verify, the old key signs nothing new.":
        "更换参与方的密钥；此前签名的事件仍可核验，旧密钥不能再签署新事件。",
    "revoke key": "吊销密钥",
    "Revoke a party's key: from now on it signs nothing.": "吊销参与方的密钥：自此不能再签署任何事件。",
    "list in catalogue": "列入目录",
    "Admit an institution or platform to the recommended catalogue (L2).": "将培训机构或线上培训平台列入推荐目录（L2）。",
    "delist": "移出目录",
    "Remove from the catalogue: dynamic exit, e.g. a zombie platform (L12, S5).":
        "移出目录：动态退出，例如“僵尸”平台（L12、S5）。",
    "ban": "终身禁入",
    'Ban for life a party caught faking, and its credit code with every party registered under it (L12: '
    '"终身不再获得入围资格").':
        "对弄虚作假的参与方实行终身禁入，其统一社会信用代码及以该代码登记的所有参与方一并禁入"
        "（L12：“终身不再获得入围资格”）。",
    "erase trainee": "销毁劳动者个人信息",
    "Destroy a trainee's personal-data key; the log keeps only ciphertext nobody can open.":
        "销毁劳动者个人信息的密钥；日志中只留下任何人都无法解开的密文。",
    "expire voucher": "培训券过期",
    "Record that an unpaid voucher ran past its validity.": "登记未拨付的培训券已超过有效期。",
    "revoke voucher": "撤销培训券",
    "Revoke a voucher nothing was paid on, e.g. issued in error or obtained by fraud.":
        "撤销尚未拨付任何资金的培训券，例如误发或骗取的培训券。",
    "file class": "开班备案",
    "File a class online: courses, teachers, theory and practical class hours, training kind, platform, quality "
    "commitment (H4, L4); its hours must keep the region's rules (H1, L1, S1, J2, J3).":
        "网上办理开班备案：课程、师资、理论和实操课时、培训类型、线上培训平台、质量承诺（H4、L4）；"
        "课时须符合本地区规定（H1、L1、S1、J2、J3）。",
    "record offline training": "登记线下培训",
    "The institution records offline (practical) training hours, with the hashes of its sign-in sheet, photos or "
    "video if it gives them (ledger/evidence.py); none during the epidemic period where the profile bans it (H5: "
    "疫情期间，不允许组织线下集中实操培训).":
        "培训机构登记线下（实操）培训学时，可一并提交签到表、照片或视频的哈希（ledger/evidence.py）；"
        "政策禁止时，疫情期间不得登记（H5：疫情期间，不允许组织线下集中实操培训）。",
    "assess": "考核评价",
    'Record the assessment and, if passed, the certificate (L14), by an assessment body of the voucher\'s region '
    'independent of the institution ("由相应管理部门或相关单位按规定实施考核评价", 001), or by an enterprise for '
    'its own staff (S4: "参加企业组织的线上培训的…企业可…进行综合评价"); only after the class\'s total hours are '
    'done (H1: total hours do not change) and within its online hours (H1, L1, S1, J2, J3).':
        "登记考核评价结果，合格的同时登记证书（L14）；由培训券所在地区、独立于培训机构的评价机构实施"
        "（“由相应管理部门或相关单位按规定实施考核评价”，001），或由企业对本企业职工实施"
        "（S4：“参加企业组织的线上培训的…企业可…进行综合评价”）；须在该班总课时完成之后"
        "（H1：总课时不变），且不超出其线上课时（H1、L1、S1、J2、J3）。",
    "record online learning": "登记线上学习",
    "A platform records an online session: sign-in, minutes, Q&A and tests, random face checks (N2, L5, L6), "
    "within the class's online hours (H1, L1, S1, J2, J3).":
        "线上培训平台登记一次线上学习：签到、学习时长、答疑和测试、随机人脸识别（N2、L5、L6），"
        "不超出该班的线上课时（H1、L1、S1、J2、J3）。",
    "pay allowance": "发放生活费补贴",
    "Pay a living allowance for named days of online training to a trainee in an eligible group (N4, S3).":
        "向符合条件人员类别的劳动者，按其参加线上培训的具体天数发放生活费补贴（N4、S3）。",
    # the id a form acts on
    "party id": "参与方编号",
    # the fields
    "ended on": "解除日期",
    "document": "文件",
    "online percent": "线上部分比例（%）",
    "amount fen": "金额（分）",
    "reason": "理由",
    "days": "天数",
    "outcome": "结果",
    "role": "角色",
    "public key": "公钥",
    "kind": "类型",
    "credit code": "统一社会信用代码",
    "employer credit code": "用人单位统一社会信用代码",
    "key id": "密钥编号",
    "level": "等级",
    "occupation type": "职业类型",
    "theory class hours": "理论课时",
    "practical class hours": "实操课时",
    "total class hours": "总课时",
    "home practice": "居家实操",
    "training kind": "培训类型",
    "courses": "课程",
    "teachers": "师资",
    "planned online minutes": "计划线上学习分钟数",
    "starts on": "开班日期",
    "ends on": "结业日期",
    "quality commitment": "质量承诺",
    "started at": "开始时间",
    "minutes": "分钟数",
    "location": "地点",
    "certificate kind": "证书类型",
    "signed in at": "签到时间",
    "questions answered": "答疑次数",
    "tests taken": "参加测试次数",
    "tests passed": "测试通过次数",
    "face checks passed": "人脸识别通过次数",
    "face checks failed": "人脸识别未通过次数",
    "from day": "起始日期",
    "to day": "截止日期",
    "fund": "资金来源",
    "evidence": "佐证材料",
    # the fields' hints
    "YYYY-MM-DD, years 2000-2100": "YYYY-MM-DD，年份 2000-2100",
    "the bureau's document naming the decision": "载明该决定的人社局文件",
    "every fen paid on the voucher": "该培训券上已拨付的全部金额",
    "the rule broken, e.g. L12": "违反的规则，例如 L12",
    "required when an objection was raised": "有人提出异议时必填",
    "base64 of the 32-byte Ed25519 public key": "32 字节 Ed25519 公钥的 base64 编码",
    "the root registering a bureau names its region": "根账户登记人社局时须注明其地区",
    "every role but a trainee": "劳动者以外的各类参与方必填",
    "an institution's kind (L3)": "培训机构类型（L3）",
    "institutions, platforms and assessors (L12)": "培训机构、线上培训平台和评价机构必填（L12）",
    "a trainee's groups for the living allowance (N4), each once": "劳动者享受生活费补贴的人员类别（N4），每类只填一次",
    "a trainee's employer (S4)": "劳动者的用人单位（S4）",
    "the key id in the path": "地址中的密钥编号",
    "catalogued occupation code, e.g. 6-31-01-03": "目录内的职业编码，例如 6-31-01-03",
    "1 (一级/高级技师) to 5 (五级/初级工)": "1（一级/高级技师）至 5（五级/初级工）",
    "if given, theory + practical": "如填写，须等于理论课时与实操课时之和",
    "must be true (L4)": "必须勾选（L4）",
    "required when planned_online_minutes > 0": "计划线上学习分钟数大于 0 时必填",
    "ISO 8601 time with a timezone, e.g. 2023-03-01T08:00:00Z": "带时区的 ISO 8601 时间，例如 2023-03-01T08:00:00Z",
    "required when passed": "考核合格时必填",
    "required when passed (L14)": "考核合格时必填（L14）",
    "amount in fen (1/100 yuan)": "金额，单位为分（1/100 元）",
    "hashes of the sign-in sheet, photos or video, never the files (H6)": "签到表、照片或视频的哈希，从不上传文件本身（H6）",
}
