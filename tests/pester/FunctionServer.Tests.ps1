# The local function servers (benchmarks/wrappers/local/<lang>/handler.*) and their storage shims, run as host
# processes and in the offline run images. S3 and Docker need tests/infra/start-services.sh to have run first
# (it writes out/services.env); without that file the S3 tests fail and say so.
BeforeAll {
    $script:Repo = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
    # Prefer the wrappers that ship in the built module; fall back to the source tree.
    $built = if ($env:SEBS_TEST_MODULE) { Join-Path (Split-Path $env:SEBS_TEST_MODULE) 'benchmarks' }
    $script:Benchmarks = if ($built -and (Test-Path (Join-Path $built 'wrappers/local'))) { $built } else { Join-Path $Repo 'benchmarks' }
    $script:Wrappers = Join-Path $Benchmarks 'wrappers/local'
    $script:Fixtures = Join-Path $PSScriptRoot 'fixtures'
    $script:ServicesEnv = Join-Path $Repo 'out/services.env'
    $script:Http = [System.Net.Http.HttpClient]::new()
    $script:Http.Timeout = [TimeSpan]::FromSeconds(30)

    function Get-Services {
        if (-not (Test-Path $ServicesEnv)) { return $null }
        $map = @{}
        foreach ($line in Get-Content $ServicesEnv) {
            if ($line -match '^\s*([A-Z0-9_]+)=(.*)$') { $map[$Matches[1]] = $Matches[2] }
        }
        $map
    }

    function Get-FreePort {
        $l = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
        $l.Start(); $port = $l.LocalEndpoint.Port; $l.Stop(); $port
    }

    # A code package laid out like the harness does (reference §5.3, local): handler + manifest at the root,
    # the benchmark and the shims under function/.
    function New-FunctionPackage([string]$Lang, [string]$Benchmark, [string]$Dest, [string]$FunctionFile) {
        $fn = Join-Path $Dest 'function'
        New-Item -ItemType Directory -Force $fn | Out-Null
        if ($Benchmark) {
            $src = Join-Path $Benchmarks "$Benchmark/$Lang"
            foreach ($item in Get-ChildItem $src) {
                if ($item.Name -in 'requirements.txt', 'package.json') { Copy-Item $item.FullName $Dest }
                else { Copy-Item $item.FullName $fn -Recurse }
            }
        }
        if ($FunctionFile) {
            $ext = if ($Lang -eq 'python') { 'py' } else { 'js' }
            Copy-Item $FunctionFile (Join-Path $fn "function.$ext")
        }
        $ext = if ($Lang -eq 'python') { 'py' } else { 'js' }
        Copy-Item (Join-Path $Wrappers "$Lang/handler.$ext") $Dest
        foreach ($shim in 'storage', 'nosql') {
            $f = Join-Path $Wrappers "$Lang/$shim.$ext"
            if (Test-Path $f) { Copy-Item $f $fn }
        }
        $Dest
    }

    function Wait-Alive([int]$Port, [double]$Seconds = 15, $Process) {
        $deadline = [DateTime]::UtcNow.AddSeconds($Seconds)
        while ([DateTime]::UtcNow -lt $deadline) {
            if ($Process -and $Process.HasExited) { throw "the server exited with code $($Process.ExitCode)" }
            try {
                $r = $Http.GetAsync("http://127.0.0.1:$Port/alive").GetAwaiter().GetResult()
                if ([int]$r.StatusCode -eq 200) { return $r.Content.ReadAsStringAsync().GetAwaiter().GetResult() }
            } catch { }
            Start-Sleep -Milliseconds 50
        }
        throw "no answer from 127.0.0.1:$Port/alive within $Seconds s"
    }

    function Start-FunctionServer([string]$Lang, [string]$Package, [hashtable]$Environment = @{}) {
        $port = Get-FreePort
        $envs = @{ SEBS_PORT = "$port"; SEBS_HOST = '127.0.0.1' } + $Environment
        $exe, $entry = if ($Lang -eq 'python') { 'python3', 'handler.py' } else { 'node', 'handler.js' }
        $log = Join-Path (Split-Path $Package) "$(Split-Path -Leaf $Package)-$port.log"
        $p = Start-Process -FilePath $exe -ArgumentList (Join-Path $Package $entry) -Environment $envs -PassThru `
            -RedirectStandardError $log -RedirectStandardOutput "$log.out" -WorkingDirectory $Package
        try { Wait-Alive -Port $port -Process $p | Out-Null }
        catch { throw "$_`n$(Get-Content -Raw $log -ErrorAction SilentlyContinue)" }
        [pscustomobject]@{ Process = $p; Port = $port; Log = $log }
    }

    function Stop-FunctionServer($Server) {
        if ($Server -and -not $Server.Process.HasExited) {
            Stop-Process -Id $Server.Process.Id -Force -ErrorAction SilentlyContinue
            $Server.Process.WaitForExit(5000) | Out-Null
        }
    }

    function Invoke-Function([int]$Port, [string]$Body) {
        $content = [System.Net.Http.StringContent]::new($Body, [Text.Encoding]::UTF8, 'application/json')
        $r = $Http.PostAsync("http://127.0.0.1:$Port/", $content).GetAwaiter().GetResult()
        $text = $r.Content.ReadAsStringAsync().GetAwaiter().GetResult()
        [pscustomobject]@{ Status = [int]$r.StatusCode; Text = $text; Body = ($text | ConvertFrom-Json) }
    }

    function Get-Seconds($Body) { [decimal]::Parse($Body.end, [cultureinfo]::InvariantCulture) - [decimal]::Parse($Body.begin, [cultureinfo]::InvariantCulture) }
}

Describe 'Function server (<Lang>): 010.sleep as a host process' -ForEach @(@{ Lang = 'python' }, @{ Lang = 'nodejs' }) {
    BeforeAll {
        $pkg = New-FunctionPackage -Lang $Lang -Benchmark '000.microbenchmarks/010.sleep' -Dest (Join-Path $TestDrive "sleep-$Lang")
        $server = Start-FunctionServer -Lang $Lang -Package $pkg
    }
    AfterAll { Stop-FunctionServer $server }

    It 'answers GET /alive with {"status":"ok"}' {
        $r = $Http.GetAsync("http://127.0.0.1:$($server.Port)/alive").GetAwaiter().GetResult()
        [int]$r.StatusCode | Should -Be 200
        ($r.Content.ReadAsStringAsync().GetAwaiter().GetResult() | ConvertFrom-Json).status | Should -Be 'ok'
    }

    It 'reports a cold then a warm invocation from the same container' {
        $first = Invoke-Function $server.Port '{"sleep": 0}'
        $second = Invoke-Function $server.Port '{"sleep": 0}'
        $first.Status | Should -Be 200
        $first.Body.is_cold | Should -BeTrue
        $second.Body.is_cold | Should -BeFalse
        $first.Body.container_id | Should -Match '^[0-9a-f]{8}$'
        $second.Body.container_id | Should -Be $first.Body.container_id
        $second.Body.request_id | Should -Match '^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$'
        $second.Body.request_id | Should -Not -Be $first.Body.request_id
        $first.Body.result.result | Should -Be 0
    }

    It 'brackets the handler with begin/end (sleep 0.2 s)' {
        $r = Invoke-Function $server.Port '{"sleep": 0.2}'
        $r.Status | Should -Be 200
        $r.Body.begin | Should -Match '^\d{10}\.\d{6}$'
        $r.Body.end | Should -Match '^\d{10}\.\d{6}$'
        $s = Get-Seconds $r.Body
        # Node's setTimeout counts from libuv's cached loop time, so it can fire up to 1 ms "early" on a precise clock.
        $min = if ($Lang -eq 'nodejs') { 0.199 } else { 0.2 }
        $s | Should -BeGreaterOrEqual $min
        $s | Should -BeLessThan 0.5
        $r.Body.compute_time | Should -BeGreaterOrEqual ($min * 1e6)
        $r.Body.compute_time | Should -BeLessThan 500000
        $r.Body.result.result | Should -Be 0.2
    }

    It 'answers 500 with the error when the handler fails, and keeps serving' {
        $r = Invoke-Function $server.Port 'null'    # the benchmark reads event.sleep / event.get(...) from null
        $r.Status | Should -Be 500
        $r.Body.error.message | Should -Not -BeNullOrEmpty
        $r.Body.error.type | Should -Not -BeNullOrEmpty
        $r.Body.error.traceback | Should -Not -BeNullOrEmpty
        $r.Body.PSObject.Properties.Name | Should -Contain 'result'
        $r.Body.result | Should -BeNullOrEmpty
        $r.Body.is_cold | Should -BeFalse
        $next = Invoke-Function $server.Port '{"sleep": 0.01}'
        $next.Status | Should -Be 200
        $next.Body.result.result | Should -Be 0.01
        $server.Process.HasExited | Should -BeFalse
    }

    It 'answers 400 to a body that is not JSON' {
        $r = Invoke-Function $server.Port '{"sleep": '
        $r.Status | Should -Be 400
        $r.Body.error.message | Should -Match 'JSON'
        (Invoke-Function $server.Port '{"sleep": 0}').Status | Should -Be 200
    }

    It 'serializes concurrent invocations (one sandbox = one invocation at a time)' {
        $tasks = foreach ($i in 1..3) {
            $content = [System.Net.Http.StringContent]::new('{"sleep": 0.15}', [Text.Encoding]::UTF8, 'application/json')
            $Http.PostAsync("http://127.0.0.1:$($server.Port)/", $content)
        }
        $bodies = foreach ($t in $tasks) {
            $r = $t.GetAwaiter().GetResult()
            [int]$r.StatusCode | Should -Be 200
            $r.Content.ReadAsStringAsync().GetAwaiter().GetResult() | ConvertFrom-Json
        }
        $spans = $bodies | ForEach-Object { [pscustomobject]@{ B = [decimal]$_.begin; E = [decimal]$_.end } } | Sort-Object B
        for ($i = 1; $i -lt $spans.Count; $i++) { $spans[$i].B | Should -BeGreaterOrEqual $spans[$i - 1].E }
    }

    It 'keeps per-request overhead small on a kept-alive connection' {
        foreach ($i in 1..20) { Invoke-Function $server.Port '{"sleep": 0}' | Out-Null }
        $sw = [System.Diagnostics.Stopwatch]::new()
        $alive = foreach ($i in 1..200) {
            $sw.Restart(); $Http.GetAsync("http://127.0.0.1:$($server.Port)/alive").GetAwaiter().GetResult().Content.ReadAsStringAsync().GetAwaiter().GetResult() | Out-Null
            $sw.Elapsed.TotalMilliseconds
        }
        $calls = foreach ($i in 1..200) {
            $sw.Restart(); Invoke-Function $server.Port '{"sleep": 0}' | Out-Null
            $sw.Elapsed.TotalMilliseconds
        }
        $median = { param($x) ($x | Sort-Object)[[int]($x.Count / 2)] }
        $a = & $median $alive; $c = & $median $calls
        Write-Host ("    [{0}] median GET /alive {1:N3} ms, POST sleep=0 {2:N3} ms (client-side, includes JSON parsing)" -f $Lang, $a, $c)
        $c | Should -BeLessThan 10
    }
}

Describe 'Function server (<Lang>): begin/end exclude the import' -ForEach @(@{ Lang = 'python' }, @{ Lang = 'nodejs' }) {
    It 'does not count a slow module import as benchmark time' {
        $ext = if ($Lang -eq 'python') { 'py' } else { 'js' }
        $file = Join-Path $TestDrive "slow.$ext"
        if ($Lang -eq 'python') {
            "import time`ntime.sleep(0.6)`n`ndef handler(event):`n    time.sleep(0.1)`n    return {'ok': True}`n" | Set-Content $file
        } else {
            "Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 600);`nexports.handler = async () => { await new Promise((r) => setTimeout(r, 100)); return { ok: true }; };`n" | Set-Content $file
        }
        $pkg = New-FunctionPackage -Lang $Lang -Dest (Join-Path $TestDrive "slow-$Lang") -FunctionFile $file
        $server = Start-FunctionServer -Lang $Lang -Package $pkg
        try {
            $r = Invoke-Function $server.Port '{}'
            $r.Status | Should -Be 200
            $r.Body.is_cold | Should -BeTrue
            $r.Body.result.ok | Should -BeTrue
            $s = Get-Seconds $r.Body
            $s | Should -BeGreaterOrEqual 0.09
            $s | Should -BeLessThan 0.4
        } finally { Stop-FunctionServer $server }
    }
}

Describe 'Function server (<Lang>): 110.dynamic-html with its dependencies' -ForEach @(@{ Lang = 'python' }, @{ Lang = 'nodejs' }) {
    BeforeAll {
        $pkg = New-FunctionPackage -Lang $Lang -Benchmark '100.webapps/110.dynamic-html' -Dest (Join-Path $TestDrive "html-$Lang")
        if ($Lang -eq 'python') {
            # PyPI is not reachable: take jinja2 from Debian's python3-jinja2, as the harness's installer would put it.
            $site = Join-Path $pkg '.python_packages/lib/site-packages'
            New-Item -ItemType Directory -Force $site | Out-Null
            foreach ($m in 'jinja2', 'markupsafe') {
                $src = "/usr/lib/python3/dist-packages/$m"
                if (-not (Test-Path $src)) { throw "$src is missing: run tests/infra/start-services.sh (installs python3-jinja2)" }
                Copy-Item $src $site -Recurse
            }
        } else {
            Push-Location $pkg
            try { & npm install --no-audit --no-fund --loglevel=error 2>&1 | Write-Host } finally { Pop-Location }
            if ($LASTEXITCODE -ne 0) { throw "npm install failed in $pkg" }
        }
        $server = Start-FunctionServer -Lang $Lang -Package $pkg
    }
    AfterAll { Stop-FunctionServer $server }

    It 'renders the page' {
        $r = Invoke-Function $server.Port '{"username": "sebs-tester", "random_len": 25}'
        $r.Status | Should -Be 200
        $r.Body.is_cold | Should -BeTrue
        $r.Body.result.result | Should -Match 'Welcome sebs-tester!'
        ([regex]::Matches($r.Body.result.result, '<li>\d+</li>')).Count | Should -Be 25
        $warm = Invoke-Function $server.Port '{"username": "again", "random_len": 3}'
        $warm.Body.is_cold | Should -BeFalse
        ([regex]::Matches($warm.Body.result.result, '<li>\d+</li>')).Count | Should -Be 3
    }
}

Describe 'Storage shim (<Lang>, <Backend>) used from a function' -ForEach @(
    @{ Lang = 'python'; Backend = 'directory' }, @{ Lang = 'nodejs'; Backend = 'directory' },
    @{ Lang = 'python'; Backend = 's3' }, @{ Lang = 'nodejs'; Backend = 's3' }) {
    It 'uploads, lists, downloads and rejects escaping keys' {
        $envs = @{}
        $store = Join-Path $TestDrive "store-$Lang"
        if ($Backend -eq 's3') {
            $svc = Get-Services
            if (-not $svc -or -not $svc.SEBS_TEST_S3_ENDPOINT) {
                throw "no S3 endpoint in ${ServicesEnv}: run tests/infra/start-services.sh before the Pester tests"
            }
            $envs = @{ MINIO_ADDRESS = $svc.SEBS_TEST_S3_ENDPOINT; MINIO_ACCESS_KEY = $svc.SEBS_TEST_S3_ACCESS_KEY
                       MINIO_SECRET_KEY = $svc.SEBS_TEST_S3_SECRET_KEY; SEBS_S3_LIST_PAGE_SIZE = '1' }   # page size 1: continuation
        } else {
            $envs = @{ SEBS_STORAGE_DIR = $store }
        }
        $ext = if ($Lang -eq 'python') { 'py' } else { 'js' }
        $pkg = New-FunctionPackage -Lang $Lang -Dest (Join-Path $TestDrive "storage-$Lang-$Backend") -FunctionFile (Join-Path $Fixtures "storage_probe.$ext")
        $server = Start-FunctionServer -Lang $Lang -Package $pkg -Environment $envs
        try {
            $bucket = 'sebs-test-' + [guid]::NewGuid().ToString('N').Substring(0, 8)
            $r = Invoke-Function $server.Port (@{ bucket = $bucket; text = "hello from $Lang" } | ConvertTo-Json)
            if ($r.Status -ne 200) { throw "function failed: $($r.Text)" }
            $res = $r.Body.result
            $res.k1 | Should -Match '^input/in\.[0-9a-f]{8}\.txt$'
            $res.k2 | Should -Match '^input/deep/blob\.[0-9a-f]{8}\.bin$'
            $res.stream | Should -Be ("hello from $Lang" * 2)
            $res.copy | Should -Be "hello from $Lang"
            @($res.files) | Should -Be (@($res.k1, $res.k2) | Sort-Object)
            $res.escape | Should -Not -BeNullOrEmpty
            if ($Backend -eq 'directory') {
                $res.escape | Should -Match 'invalid key'
                Test-Path (Join-Path $store "$bucket/$($res.k1)") | Should -BeTrue
                Get-Content -Raw (Join-Path $store "$bucket/$($res.k2)") | Should -Be ("hello from $Lang" * 2)
            }
        } finally { Stop-FunctionServer $server }
    }
}

Describe 'NoSQL shim (embedded JSON files) used from functions' {
    BeforeAll {
        $db = Join-Path $TestDrive 'nosql'
        $servers = @{}
        foreach ($lang in 'python', 'nodejs') {
            $ext = if ($lang -eq 'python') { 'py' } else { 'js' }
            $pkg = New-FunctionPackage -Lang $lang -Dest (Join-Path $TestDrive "nosql-$lang") -FunctionFile (Join-Path $Fixtures "nosql_probe.$ext")
            $servers[$lang] = Start-FunctionServer -Lang $lang -Package $pkg -Environment @{ SEBS_NOSQL_DIR = $db; NOSQL_STORAGE_TABLE_cart = 'physical_cart' }
        }
    }
    AfterAll { foreach ($s in $servers.Values) { Stop-FunctionServer $s } }

    It 'writes in <Writer> and reads the same items in <Reader>' -ForEach @(
        @{ Writer = 'python'; Reader = 'nodejs' }, @{ Writer = 'nodejs'; Reader = 'python' }) {
        $cart = "cart-$Writer"
        $w = Invoke-Function $servers[$Writer].Port (@{ op = 'write'; table = 'cart'; cart = $cart } | ConvertTo-Json)
        if ($w.Status -ne 200) { throw "write failed: $($w.Text)" }
        $r = Invoke-Function $servers[$Reader].Port (@{ op = 'read'; table = 'cart'; cart = $cart } | ConvertTo-Json)
        if ($r.Status -ne 200) { throw "read failed: $($r.Text)" }
        foreach ($res in $w.Body.result, $r.Body.result) {
            @($res.items.product_id) | Should -Be @('p1', 'p2')
            @($res.items.cart_id | Select-Object -Unique) | Should -Be @($cart)
            $res.one.quantity | Should -Be 4
            $res.one.price | Should -Be 5
            $res.missing | Should -BeNullOrEmpty
        }
        Test-Path (Join-Path $db 'physical_cart.json') | Should -BeTrue   # NOSQL_STORAGE_TABLE_<name> maps the table
    }
}

Describe 'NoSQL shim (DynamoDB API against dynalite) used from functions' {
    BeforeAll {
        $svc = Get-Services
        $endpoint = if ($svc) { $svc.SEBS_TEST_DYNAMODB_ENDPOINT }
        $servers = @{}
        if ($endpoint) {
            $table = 'sebs_test_' + [guid]::NewGuid().ToString('N').Substring(0, 8)
            # The shim does not create tables (the harness does); create one with the shim's own signed client.
            $create = @'
import json, sys, time
sys.path.insert(0, sys.argv[1])
import nosql
d = nosql._Dynamo(sys.argv[2], "sebs", "sebs", "us-east-1")
d.call("CreateTable", {"TableName": sys.argv[3], "BillingMode": "PAY_PER_REQUEST",
    "AttributeDefinitions": [{"AttributeName": "cart_id", "AttributeType": "S"}, {"AttributeName": "product_id", "AttributeType": "S"}],
    "KeySchema": [{"AttributeName": "cart_id", "KeyType": "HASH"}, {"AttributeName": "product_id", "KeyType": "RANGE"}]})
for _ in range(50):
    if d.call("DescribeTable", {"TableName": sys.argv[3]})["Table"]["TableStatus"] == "ACTIVE":
        break
    time.sleep(0.1)
'@
            $create | & python3 - (Join-Path $Wrappers 'python') $endpoint $table
            if ($LASTEXITCODE -ne 0) { throw "could not create table $table in dynalite at $endpoint" }
            foreach ($lang in 'python', 'nodejs') {
                $ext = if ($lang -eq 'python') { 'py' } else { 'js' }
                $pkg = New-FunctionPackage -Lang $lang -Dest (Join-Path $TestDrive "dynamo-$lang") -FunctionFile (Join-Path $Fixtures "nosql_probe.$ext")
                $servers[$lang] = Start-FunctionServer -Lang $lang -Package $pkg -Environment @{
                    NOSQL_STORAGE_ENDPOINT = $endpoint; NOSQL_STORAGE_TABLE_cart = $table; AWS_ACCESS_KEY_ID = 'sebs'; AWS_SECRET_ACCESS_KEY = 'sebs' }
            }
        }
    }
    AfterAll { foreach ($s in $servers.Values) { Stop-FunctionServer $s } }

    It 'writes in <Writer> and reads the same items in <Reader>' -ForEach @(
        @{ Writer = 'python'; Reader = 'nodejs' }, @{ Writer = 'nodejs'; Reader = 'python' }) {
        if (-not $endpoint) { throw "no SEBS_TEST_DYNAMODB_ENDPOINT in ${ServicesEnv}: run tests/infra/start-services.sh before the Pester tests" }
        $cart = "cart-$Writer"
        $w = Invoke-Function $servers[$Writer].Port (@{ op = 'write'; table = 'cart'; cart = $cart } | ConvertTo-Json)
        if ($w.Status -ne 200) { throw "write failed: $($w.Text)" }
        $r = Invoke-Function $servers[$Reader].Port (@{ op = 'read'; table = 'cart'; cart = $cart } | ConvertTo-Json)
        if ($r.Status -ne 200) { throw "read failed: $($r.Text)" }
        foreach ($res in $w.Body.result, $r.Body.result) {
            @($res.items.product_id) | Should -Be @('p1', 'p2')
            $res.one.quantity | Should -Be 4
            $res.one.price | Should -Be 5
            $res.missing | Should -BeNullOrEmpty
        }
    }
}

Describe 'Storage shim signatures' {
    It 'signs S3 requests in Node exactly as in Python' {
        $out = & python3 (Join-Path $Fixtures 'sigv4_node_check.py') (Join-Path $Wrappers 'python') (Join-Path $Wrappers 'nodejs') 2>&1
        $out | Write-Host
        $LASTEXITCODE | Should -Be 0
    }

    It 'signs S3 requests as botocore does (Docker run image with python3-boto3)' {
        $svc = Get-Services
        if (-not $svc -or $svc.SEBS_TEST_DOCKER -ne '1') { Set-ItResult -Skipped -Because 'SEBS_TEST_DOCKER is not 1 (see tests/infra/start-services.sh)'; return }
        $out = & docker run --rm --network host -v "$(Join-Path $Wrappers 'python'):/w:ro" -v "${Fixtures}:/f:ro" `
            sebs/run.local.python:3.11 python3 /f/sigv4_check.py /w 2>&1
        $out | Write-Host
        $LASTEXITCODE | Should -Be 0
    }
}

Describe 'Function server (<Lang>) in the offline run image' -ForEach @(
    @{ Lang = 'python'; Image = 'sebs/run.local.python:3.11'; Command = @('python3', '/function/handler.py') },
    @{ Lang = 'nodejs'; Image = 'sebs/run.local.nodejs:18'; Command = @('node', '/function/handler.js') }) {
    It 'serves 010.sleep from a read-only /function with host networking' {
        $svc = Get-Services
        if (-not $svc -or $svc.SEBS_TEST_DOCKER -ne '1') { Set-ItResult -Skipped -Because 'SEBS_TEST_DOCKER is not 1 (see tests/infra/start-services.sh)'; return }
        $pkg = New-FunctionPackage -Lang $Lang -Benchmark '000.microbenchmarks/010.sleep' -Dest (Join-Path $TestDrive "docker-$Lang")
        $port = Get-FreePort
        $id = & docker run --rm -d --network host -v "${pkg}:/function:ro" -e "SEBS_PORT=$port" -e 'SEBS_CONTAINER_ID=c0ffee00' $Image @Command
        $LASTEXITCODE | Should -Be 0
        try {
            try { Wait-Alive -Port $port -Seconds 20 | Out-Null }
            catch { throw "$_`n$(& docker logs $id 2>&1 | Out-String)" }
            $r = Invoke-Function $port '{"sleep": 0.2}'
            $r.Status | Should -Be 200
            $r.Body.is_cold | Should -BeTrue
            $r.Body.container_id | Should -Be 'c0ffee00'
            Get-Seconds $r.Body | Should -BeGreaterOrEqual 0.199   # Node timers may fire up to 1 ms early
            (Invoke-Function $port '{"sleep": 0}').Body.is_cold | Should -BeFalse
            (Invoke-Function $port 'null').Status | Should -Be 500
            (Invoke-Function $port '{"sleep": 0}').Status | Should -Be 200
        } finally { & docker rm -f $id 2>&1 | Out-Null }
    }
}
