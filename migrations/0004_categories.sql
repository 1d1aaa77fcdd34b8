-- +goose Up
-- Departments that cases are handed to (分流交办).
CREATE TABLE departments (
    code    text PRIMARY KEY CHECK (code ~ '^[a-z][a-z0-9_]*$'),
    name_zh text NOT NULL,
    name_en text NOT NULL
);
INSERT INTO departments (code, name_zh, name_en) VALUES
    ('public_security', '公安派出所',     'Police station'),
    ('judicial',        '司法所',         'Judicial office'),
    ('market',          '市场监督管理所', 'Market regulation'),
    ('emergency_mgmt',  '应急管理办公室', 'Emergency management'),
    ('urban_mgmt',      '城市管理执法',   'Urban management'),
    ('civil_affairs',   '民政办',         'Civil affairs'),
    ('health',          '卫生健康办',     'Health');

-- What a resident can report, who handles it and how long it may take.
CREATE TABLE categories (
    code         text PRIMARY KEY CHECK (code ~ '^[a-z][a-z0-9_]*$'),
    name_zh      text NOT NULL,
    name_en      text NOT NULL,
    description_zh text NOT NULL DEFAULT '',
    description_en text NOT NULL DEFAULT '',
    icon         text NOT NULL DEFAULT '',
    team_kind    text NOT NULL REFERENCES team_kinds (code),
    department   text NOT NULL REFERENCES departments (code),
    -- Time allowed from filing to closure (the SLA).
    time_allowed interval NOT NULL CHECK (time_allowed > interval '0'),
    -- Default priority: 1 urgent … 4 low.
    priority     smallint NOT NULL DEFAULT 3 CHECK (priority BETWEEN 1 AND 4),
    -- Reports of this category within this radius and window are likely duplicates.
    duplicate_radius_m double precision NOT NULL DEFAULT 100,
    duplicate_window   interval NOT NULL DEFAULT interval '24 hours',
    sort_order   int NOT NULL DEFAULT 0
);
INSERT INTO categories (code, name_zh, name_en, description_zh, description_en, icon, team_kind, department, time_allowed, priority, duplicate_radius_m, duplicate_window, sort_order) VALUES
    ('safety_hazard',  '安全隐患', 'Safety hazard',     '消防、燃气、危房、道路等安全隐患', 'Fire, gas, unsafe buildings, road hazards', 'warning',   'emergency',        'emergency_mgmt',  interval '24 hours', 2, 100, interval '48 hours', 1),
    ('public_order',   '治安问题', 'Public order',      '打架、滋扰、可疑人员等治安问题',   'Fights, harassment, suspicious people',      'shield',    'patrol',           'public_security', interval '12 hours', 2, 150, interval '6 hours',  2),
    ('dispute',        '矛盾纠纷', 'Dispute',           '邻里、家庭、物业等矛盾纠纷',       'Neighbour, family or property disputes',     'handshake', 'mediation',        'judicial',        interval '72 hours', 3, 50,  interval '72 hours', 3),
    ('complaint',      '投诉建议', 'Complaint',         '对公共服务的投诉与建议',           'Complaints about public services',           'message',   'volunteer',        'urban_mgmt',      interval '5 days',   4, 50,  interval '72 hours', 4),
    ('tip',            '线索举报', 'Tip-off',           '违法犯罪线索举报',                 'Tips about crime',                           'eye',       'patrol',           'public_security', interval '48 hours', 2, 200, interval '24 hours', 5),
    ('counterfeit',    '假冒伪劣', 'Counterfeit goods', '假冒伪劣商品、食品安全',           'Counterfeit goods and food safety',          'tag',       'anti_counterfeit', 'market',          interval '72 hours', 3, 100, interval '7 days',   6),
    ('legal_help',     '法律求助', 'Legal help',        '需要法律咨询或援助',               'Legal advice or aid needed',                 'scale',     'legal_aid',        'judicial',        interval '5 days',   4, 30,  interval '7 days',   7),
    ('emergency',      '紧急求助', 'Emergency',         '突发事件、人员受伤等紧急求助',     'Accidents, injuries and other emergencies',  'siren',     'emergency',        'emergency_mgmt',  interval '2 hours',  1, 300, interval '2 hours',  8),
    ('environment',    '环境卫生', 'Environment',       '垃圾、噪音、污水等环境问题',       'Rubbish, noise, sewage',                     'leaf',      'volunteer',        'urban_mgmt',      interval '72 hours', 4, 80,  interval '72 hours', 9),
    ('welfare',        '民生求助', 'Welfare help',      '困难群众、独居老人等民生求助',     'Help for people in need, elderly living alone', 'heart',  'volunteer',        'civil_affairs',   interval '72 hours', 3, 30,  interval '7 days',   10);

-- +goose Down
DROP TABLE categories;
DROP TABLE departments;
