"""The Chinese of the pages that act (issue 14 items 1 and 2): the Work pages
(templates/work_*.html, api/pages/workbench.py, payment_file.py), the import
page (templates/import.html, api/pages/imports.py), the download buttons, and
the scripts that sign and send (static/work.js, import.js, envelope.js).
English as the pages write it → Chinese; api/pages/language.py adds these to
its catalogue. The ledger's own words (a refusal, a reason) stay as recorded."""

from __future__ import annotations

WORK_CHINESE: dict[str, str] = {
    # the Work page, every role (templates/work.html, work_none.html, work_steps.html)
    "Your work": "我的工作台",
    "voucher": "培训券",
    "occupation": "职业",
    "status": "状态",
    "the institution": "培训机构",
    "Each form below is signed in this browser with the key you logged in with (Web Crypto Ed25519; the server "
    "never sees it) and sent as a signed envelope to the ledger's own API, exactly as <code>vledger submit</code> "
    "would. The ledger checks signature, key, role and rules before it records anything; a refusal names its rule "
    "and records nothing. Today is {today} on the ledger's clock.":
        "下面每张表单都在本浏览器中用您登录时的密钥签名（Web Crypto Ed25519，服务器从不接触密钥），"
        "再作为签名信封发送到账本自己的接口，与 <code>vledger submit</code> 完全相同。账本在记录之前核验签名、"
        "密钥、角色和规则；拒绝时会说明依据的规则，且不作任何记录。按账本时钟，今天是 {today}。",
    'Nothing waits for an inspector here: it reads the whole ledger from the <a href="/">Ledger</a>, '
    '<a href="/search">Search</a> and <a href="/draw">Inspection draw</a> pages. The steps it may sign are below.':
        '监管方在这里没有待办事项：通过<a href="/">账本</a>、<a href="/search">检索</a>和'
        '<a href="/draw">随机抽查</a>页面查阅整个账本。可签名办理的事项列在下方。',
    "Nothing waits for your role ({role}) here. The steps it may sign are below.":
        "您的角色（{role}）在这里没有待办事项。可签名办理的事项列在下方。",
    "Other steps you may sign": "其他可签名办理的事项",
    "{count} step": "{count} 项",
    "{count} steps": "{count} 项",
    "Each form is made from the step's body as the API defines it; the browser checks what you type before "
    "signing, and the ledger checks it again.":
        "每张表单都按接口对该事项的定义生成；签名前由浏览器检查所填内容，账本还会再次核验。",
    "new id": "新编号",
    "the new id": "新编号",
    "blank: a new id is chosen": "留空则自动生成新编号",
    "for a party registering with its own key file, its id from that file": "参与方用自己的密钥文件登记时，填写该文件中的编号",
    "Recorded at the id the ledger fixes:": "记录在账本确定的编号下：",
    "{label}: each file is hashed here and only its SHA-256 is sent": "{label}：每个文件都在本浏览器中计算哈希，只发送其 SHA-256",
    "or SHA-256": "或填写 SHA-256",
    "64 hex digits": "64 位十六进制数",
    "(optional)": "（选填）",
    "yes": "是",
    "no": "否",
    "one per line": "每行一项",
    "A trainee's personal data: sent beside the envelope to the personal-data store, never into the log; the "
    "envelope carries only its SHA-256 commitment (N1)":
        "劳动者个人信息：随签名信封另行发送至个人信息库，从不写入日志；信封中只含其 SHA-256 承诺值（N1）",
    "name": "姓名",
    "national ID": "身份证号",
    "Sign {step}": "签名办理：{step}",
    # the bureau
    "Issue a voucher": "发放培训券",
    "the trainee": "劳动者",
    "a trainee registered in {region}; pick one from the list below": "须为在{region}登记的劳动者；可从下方名单中选择",
    "Occupation code": "职业编码",
    "the occupation code": "职业编码",
    "Level": "等级",
    "the level": "等级",
    "Standard, yuan": "补贴标准（元）",
    "the standard": "补贴标准",
    "leave empty for the catalogue's ({catalogue}, version {version}); a local standard may be lower, never "
    "higher (H2)":
        "留空则按目录标准（{catalogue}，版本 {version}）；本地标准可以低于、但不得高于目录标准（H2）",
    "valid until": "有效期至",
    "Sign and issue": "签名并发券",
    "Trainees of {region}": "{region}的劳动者",
    "newest {count}": "最新 {count} 名",
    "registered": "登记时间",
    "allowance groups": "生活费补贴人员类别",
    "issue to": "向其发券",
    "No trainees registered in {region}.": "{region}尚无登记的劳动者。",
    "Class filings to decide": "待审批的开班备案",
    "H4: before the class starts": "H4：须在开班前",
    "filing": "开班备案",
    "hours": "学时",
    "class": "班期",
    "decide": "审批",
    "{hours} class hours, {minutes} min online": "{hours} 课时，其中线上 {minutes} 分钟",
    "Sign approval": "签名同意备案",
    "the reason": "理由",
    "reason for rejecting": "不予备案的理由",
    "Sign rejection": "签名不予备案",
    "No filing waits for a decision.": "没有待审批的开班备案。",
    "Redemptions to review": "待审核的兑现申请",
    "certificate": "证书",
    "subsidy": "补贴",
    "review": "审核",
    "{online} online + {offline} offline of {total}": "线上 {online} + 线下 {offline}，共应修 {total}",
    "{online} online + {offline} offline": "线上 {online} + 线下 {offline}",
    "the review": "审核结论",
    "approve": "审核通过",
    "reject": "审核不通过",
    "e.g. credentials checked one by one (L13)": "例如：已逐一核对凭证（L13）",
    "Sign review": "签名提交审核结论",
    "No redemption waits for review.": "没有待审核的兑现申请。",
    # an institution
    "Enrol a trainee who chose you": "受理选择本机构的劳动者",
    "The trainee chose your institution with their own key (L7) and gives you their voucher number; you enrol the "
    "voucher in one of your approved classes of the same occupation and level.":
        "劳动者已用本人密钥选择本机构（L7），并向您提供培训券编号；请将该券编入本机构已备案、职业和等级相同的班级。",
    "Voucher number": "培训券编号",
    "the voucher number": "培训券编号",
    "Class": "班级",
    "the class": "班级",
    "Sign enrolment": "签名受理入班",
    "Certified vouchers to redeem": "已取证、待申请兑现的培训券",
    "Evidence goes as SHA-256 hashes, never as files (H6): a file you choose is hashed here in the browser and "
    "stays here.":
        "佐证材料只以 SHA-256 哈希提交，从不上传文件本身（H6）：您选择的文件在本浏览器中计算哈希，文件留在本机。",
    "request redemption": "申请兑现",
    "Sign request": "签名申请兑现",
    "No certified voucher waits for a redemption request.": "没有待申请兑现的已取证培训券。",
    "In training": "培训中",
    "{count} vouchers": "{count} 张培训券",
    "hours so far": "已修学时",
    "No voucher in training.": "没有培训中的培训券。",
    # an assessor
    "Record a result": "登记考核结果",
    "An assessor lists no vouchers (as in the API: it reads one voucher of its region by number). Ask the trainee "
    "or the institution for the voucher number.":
        "评价机构不能列出培训券（与接口一致：只能按编号查阅本地区的单张培训券）。请向劳动者或培训机构索取培训券编号。",
    "Open": "打开",
    "{online} min online, {offline} min offline; the class has {hours} class hours":
        "线上 {online} 分钟，线下 {offline} 分钟；该班应修 {hours} 课时",
    "Result": "考核结果",
    "the result": "考核结果",
    "passed": "合格",
    "Certificate number": "证书编号",
    "the certificate number": "证书编号",
    "the certificate kind": "证书类型",
    "both required when passed (L14)": "考核合格时两项均须填写（L14）",
    "Sign result": "签名登记结果",
    # finance
    "Payments due": "待拨付款项",
    "The amount is what the rules give: the prepayment the enrolment fixed (H3), or the balance that fell due when "
    "the public notice cleared (H7), approved less prepaid. Pay it from one of the region's funds (N6).":
        "金额按规则确定：受理入班时确定的预拨款（H3），或公示无异议后应付的余额（H7），即核定补贴减去已预拨部分。"
        "请从本地区的一项资金中拨付（N6）。",
    "For the bank:": "供银行使用：",
    "payment file (CSV)": "付款清单（CSV）",
    "payment file (XLSX)": "付款清单（XLSX）",
    ", the items below with their amounts.": "，即下列各项及其金额。",
    "region": "地区",
    "stage": "阶段",
    "the rules give": "按规则应付",
    "pay": "拨付",
    "{amount} fen": "{amount} 分",
    "fen": "分",
    "the amount": "金额",
    "the fund": "资金来源",
    "Sign prepayment": "签名预拨",
    "Sign payment": "签名拨付",
    "Nothing is due.": "暂无应付款项。",
    "Sign the ticked payments": "签名拨付已勾选的款项",
    "each is signed and sent on its own, with its own receipt, as if its button were pressed":
        "每一笔单独签名发送，各有回执，与逐笔点击按钮相同",
    "tick every payment": "勾选全部款项",
    "tick this payment": "勾选此笔款项",
    "Tick the payments to sign first.": "请先勾选要签名拨付的款项。",
    "{done} of {count} signed: {recorded} recorded, {refused} not recorded (see each row).":
        "已签名 {done} / {count} 笔：已记录 {recorded} 笔，未记录 {refused} 笔（见各行）。",
    "prepayment": "预拨",
    "balance": "余额",
    # a platform
    "Vouchers learning on your platform": "在本平台学习的培训券",
    "Record a session with the form below: pick the voucher from this list.": "请用下方表单登记一次学习记录：从本列表中选择培训券。",
    "online hours so far": "已修线上学时",
    "Record a session": "登记学习记录",
    "No voucher learns on your platform.": "没有在本平台学习的培训券。",
    # a trainee
    "Vouchers to claim": "待领取的培训券",
    "claim": "领取",
    "Sign claim": "签名领取",
    "No voucher waits to be claimed.": "没有待领取的培训券。",
    "Choose your institution": "选择培训机构",
    "L7: your choice, with your own key": "L7：由您本人用自己的密钥选择",
    "Sign choice": "签名确认选择",
    "No claimed voucher waits for your choice.": "没有等待您选择培训机构的已领培训券。",
    "My training record": "我的培训档案",
    "Every voucher issued to you, as the ledger records it: your training hours, your certificate and the subsidy "
    "paid for you. Your name and national ID are not in the ledger's log (N1).":
        "账本记录的发给您的每一张培训券：您的培训学时、所获证书以及为您拨付的补贴。"
        "您的姓名和身份证号不在账本日志中（N1）。",
    "subsidy approved": "核定补贴",
    "paid": "已拨付",
    "allowance": "生活费补贴",
    "No voucher has been issued to you yet.": "尚未向您发放培训券。",
    # the queues a form's id may come from (workbench.py _known_ids)
    "trainees": "劳动者",
    "filings": "开班备案",
    "redemptions": "兑现申请",
    "certified": "已取证",
    "training": "培训中",
    "balances": "待付余额",
    "prepayments": "待预拨",
    "to_claim": "待领取",
    "to_choose": "待选机构",
    "record": "培训档案",
    # the pages' own refusals on the Work page and its files
    "{text} is not a voucher number (a UUID)": "{text} 不是培训券编号（UUID）",
    "{role} {party} may not read voucher {voucher}: an assessor reads the vouchers of its region":
        "{role} {party} 无权查阅培训券 {voucher}：评价机构只能查阅本地区的培训券",
    "only a bureau issues vouchers, so only a bureau asks for an issue quote": "只有人社局发券，因此只有人社局可以试算发券补贴",
    "the standard {text} must be yuan with at most two decimals, e.g. 800 or 800.50":
        "补贴标准 {text} 须以元为单位，最多两位小数，例如 800 或 800.50",
    "the level must be a whole number from 1 to 5": "等级须为 1 至 5 的整数",
    "the standard must be between 0.01 and {most} yuan": "补贴标准须在 0.01 至 {most} 元之间",
    "only finance pays, so only finance downloads the payment file": "只有财政局拨付资金，因此只有财政局可以下载付款清单",
    "the payment file comes as {formats}": "付款清单的格式为 {formats}",
    # the Work page's script (static/work.js)
    "{label} must be yuan with at most two decimals, e.g. 800 or 800.50": "{label}须以元为单位，最多两位小数，例如 800 或 800.50",
    "{label} needs at least one choice": "{label}至少须选择一项",
    "{label} needs at least one line": "{label}至少须填写一行",
    "{label} has a line longer than {count} characters": "{label}有一行超过 {count} 个字符",
    "{label} must be from {min} to {max}": "{label}须在 {min} 至 {max} 之间",
    "any": "不限",
    "{label} is needed": "请填写{label}",
    "{label} must be a whole number of {unit}": "{label}须为整数（单位：{unit}）",
    "{label} must be a whole number": "{label}须为整数",
    "{label} must be yes or no": "{label}须为“是”或“否”",
    "{label} must be an id like 7d1c2e3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f (lowercase)":
        "{label}须为编号，形如 7d1c2e3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f（小写）",
    "{label} must be a date written YYYY-MM-DD": "{label}须为日期，格式为 YYYY-MM-DD",
    "{label} must be a time with its timezone, e.g. 2023-03-01T08:00:00Z": "{label}须为带时区的时间，例如 2023-03-01T08:00:00Z",
    "{label} must be 64 lowercase hex digits (SHA-256)": "{label}须为 64 位小写十六进制数（SHA-256）",
    "{label} must be at most {count} characters": "{label}最多 {count} 个字符",
    "{label} is not in the expected form: {hint}": "{label}格式不正确：{hint}",
    "{label} is not in the expected form": "{label}格式不正确",
    "a typed evidence hash must be 64 hex digits (SHA-256)": "手工填写的佐证哈希须为 64 位十六进制数（SHA-256）",
    "give at least one piece of evidence: a file to hash or its SHA-256": "请至少提供一项佐证材料：选择文件计算哈希，或填写其 SHA-256",
    "only a trainee's registration carries personal data; clear the name and national ID":
        "只有登记劳动者时才填写个人信息；请清空姓名和身份证号",
    "a trainee's name is needed (it stays out of the log)": "请填写劳动者姓名（不会写入日志）",
    "a national ID is 18 characters: 17 digits and a digit or X": "身份证号为 18 位：17 位数字加 1 位数字或 X",
    "{amount} yuan": "{amount} 元",
    "Refused ({status}): ": "已拒绝（{status}）：",
    "Refused: ": "已拒绝：",
    "no reason given": "未说明理由",
    "Nothing was recorded.": "未作任何记录。",
    "Not signed: {reason}. Nothing was sent.": "未签名：{reason}。未发送任何内容。",
    "Recorded: {command} on {target}, version {version}, at {time}": "已记录：{command}，对象 {target}，版本 {version}，时间 {time}",
    "event hash": "事件哈希",
    "Open the voucher's timeline": "查看该培训券的全程记录",
    "Command id {id}. Reload the page to see the queue without it.": "指令编号 {id}。刷新页面后，待办列表中将不再显示此项。",
    "Signing with your key and sending…": "正在用您的密钥签名并发送…",
    "could not sign or send ({error}); press again to resend the same signed command, which the ledger records at "
    "most once":
        "无法签名或发送（{error}）；请再按一次，重新发送同一条已签名指令，账本最多只记录一次",
    "rule": "规则",
    "step": "计算步骤",
    "amount": "金额",
    "Subsidy the rules give: {amount} ({fen} fen)": "按规则可得补贴：{amount}（{fen} 分）",
    "{stage} {amount} to the {payee}": "{stage} {amount}，付给{payee}",
    "; paid as {payments}": "；分 {payments} 拨付",
    ", ": "、",
    "online": "线上部分",
    "offline": "线下部分",
    "full": "全额",
    "Choose an occupation and a level to see the subsidy the rules give.": "选择职业和等级后，即可看到按规则可得的补贴。",
    "no quote": "无法试算",
    # the signing module (static/envelope.js)
    "{path} is not a whole number; amounts are integer fen": "{path} 不是整数；金额须为整数（分）",
    "{path} has a value of type {type}, which JSON cannot hold": "{path} 的值类型为 {type}，无法用 JSON 表示",
    "the signing key must be non-extractable": "签名密钥必须不可导出",
    "this page carries no routes to send commands to": "本页面没有可发送指令的接口地址",
    "no route for the step {command}": "事项 {command} 没有接口地址",
    "GET /v1/keys answered {status}": "GET /v1/keys 返回 {status}",
    "GET /v1/keys names no ledger origin": "GET /v1/keys 未给出账本名称",
    "no signing key is kept in this browser: log in again with your key file (a private window may not keep it)":
        "本浏览器中没有保存签名密钥：请用密钥文件重新登录（隐私窗口可能无法保存密钥）",
    "the key kept in this browser belongs to another party: log in again": "本浏览器中保存的密钥属于其他参与方：请重新登录",
    "the server answered {status}": "服务器返回 {status}",
    # the import page (templates/import.html, api/pages/imports.py, static/import.js)
    "Import a file": "导入文件",
    "Your role ({role}) imports nothing: a bureau imports rosters, a platform sessions, an assessor or an institution "
    "results.":
        "您的角色（{role}）无需导入文件：人社局导入花名册，线上培训平台导入学习记录，评价机构或培训机构导入考核结果。",
    "Each row of the file becomes one or two commands signed in this browser with the key you logged in with; the "
    "server only reads the file and never sees a key. The same file uploaded again records nothing new: each "
    "command's id is derived from you, the file and the row, so its rows show <em>already recorded</em>.":
        "文件的每一行都会生成一至两条指令，在本浏览器中用您登录时的密钥签名；服务器只读取文件，从不接触密钥。"
        "同一文件再次上传不会重复记录：每条指令的编号由您、文件和行号推算得出，因此这些行会显示"
        "<em>已记录过</em>。",
    "Templates:": "模板：",
    "File (.xlsx or .csv)": "文件（.xlsx 或 .csv）",
    "Outcome file": "处理结果文件",
    "New trainees' keys (hand them over, then delete the file)": "新登记劳动者的密钥（交给本人后请删除该文件）",
    "Row": "行号",
    "Outcome": "结果",
    "Reason": "原因",
    "Ids": "编号",
    "roster": "花名册",
    "sessions": "学习记录",
    "results": "考核结果",
    "no import {name}; imports are: {kinds}": "没有名为 {name} 的导入类型；可导入的类型为：{kinds}",
    "a {kind} file is imported with the key of a party whose role is {importer}; your role is {role}":
        "{kind}文件须用{importer}的密钥导入；您的角色是{role}",
    "a {kind} file is imported with the key of a party whose role is {importer} or {other}; your role is {role}":
        "{kind}文件须用{importer}或{other}的密钥导入；您的角色是{role}",
    "no template {name}; templates are roster, sessions, results as .csv or .xlsx":
        "没有模板 {name}；模板有花名册（roster）、学习记录（sessions）、考核结果（results），格式为 .csv 或 .xlsx",
    "no signing key is kept in this browser: log out, then log in again with your key file":
        "本浏览器中没有保存签名密钥：请退出后用密钥文件重新登录",
    "the key kept in this browser is another party's: log in again": "本浏览器中保存的密钥属于其他参与方：请重新登录",
    "the server did not answer; upload the same file again later": "服务器没有响应；请稍后重新上传同一文件",
    "recorded": "已记录",
    "refused": "已拒绝",
    "already recorded": "已记录过",
    "not sent": "未发送",
    "{count} {outcome}": "{outcome} {count} 行",
    "Outcome file {name}": "处理结果文件 {name}",
    "Choose a .xlsx or .csv file first.": "请先选择 .xlsx 或 .csv 文件。",
    "This browser gives no Web Crypto here: open the pages over HTTPS or on localhost.":
        "本浏览器在此无法使用 Web Crypto：请通过 HTTPS 或 localhost 打开页面。",
    "Reading {file}…": "正在读取 {file}…",
    "Signing and sending {count} rows…": "正在签名并发送 {count} 行…",
    "{done} of {count} rows: {outcomes}": "{count} 行中已处理 {done} 行：{outcomes}",
    "{count} rows: {outcomes}": "共 {count} 行：{outcomes}",
    "Done. {summary}": "完成。{summary}",
    "The rows were sent, but the outcome file could not be made: {error}": "各行已发送，但无法生成处理结果文件：{error}",
    # the download buttons (templates/downloads.html, api/pages/downloads.py) and the ledger page's tables
    "Download": "下载",
    "no table {name}; tables are {tables}, each as .csv or .xlsx": "没有表格 {name}；可下载的表格为 {tables}，格式为 .csv 或 .xlsx",
    "Tables to download": "可下载的表格",
    "As <code>vledger export-table</code> writes them (Chinese and English headers, yuan, Beijing time, each row's "
    "event sequence and hash), with only the rows you may read.":
        "与 <code>vledger export-table</code> 导出的格式相同（中英文表头、金额以元计、北京时间、每行附事件序号和哈希），"
        "只含您有权查看的行。",
    "Balances": "余额",
    "Audit trail": "审计记录",
    # codes the Work and import pages show with `_(code)`: evidence kinds (H6), allowance groups (N4),
    # training kinds (H4)
    "photo": "照片",
    "video": "视频",
    "platform_record": "平台记录",
    "attendance_sheet": "考勤表",
    "certificate_scan": "证书扫描件",
    "registered_poor": "建档立卡贫困劳动力",
    "employment_difficulty": "就业困难人员",
    "zero_employment_family": "零就业家庭成员",
    "two_after_rural": "农村学员中的“两后生”",
    "urban_minimum_living": "城市低保家庭学员",
    "employment": "就业技能培训",
    "upgrade": "岗位技能提升培训",
    "apprenticeship": "企业新型学徒制培训",
}
