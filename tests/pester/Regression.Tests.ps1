# Invoke-SebsRegression over the whole catalog on the local platform, in both sandboxes, with the shared benchmark data:
# the outcome of every case (which pass, which are skipped and why), the servers the suite starts for 020/030/040,
# 120.uploader's URL setting, the summary. Needs tests/infra/start-services.sh (Docker engine, run images, and the run
# image's Python packages on the host for the process sandbox's virtual environments).
BeforeDiscovery {
    # Every case of the catalog and how it ends on the CI machine (Debian 12, no PyPI, the shared data set).
    # Skipped ones carry a pattern their one-line reason must match.
    $expected = [ordered]@{
        '010.sleep/python'                 = 'Passed'
        '010.sleep/nodejs'                 = 'Passed'
        '020.network-benchmark/python'     = 'Passed'
        '030.clock-synchronization/python' = 'Passed'
        '040.server-reply/python'          = 'Passed'
        '040.server-reply/nodejs'          = 'Passed'
        '110.dynamic-html/python'          = 'Passed'
        '110.dynamic-html/nodejs'          = 'Passed'
        '120.uploader/python'              = 'Passed'
        '120.uploader/nodejs'              = 'Passed'
        '130.crud-api/python'              = 'Passed'
        '130.crud-api/nodejs'              = 'Passed'
        '210.thumbnailer/python'           = 'Passed'
        '210.thumbnailer/nodejs'           = 'Passed'
        # The shared data set has no video (SeBS's city.mp4 is not in it).
        '220.video-processing/python'      = "Skipped:No input files matching '\*\.mp4' in '.*220\.video-processing'"
        '311.compression/python'           = 'Passed'
        '311.compression/nodejs'           = 'Passed'
        # torch/torchvision: not in Debian's run image or on the host, and pip has no index here.
        '411.image-recognition/python'     = 'Skipped:^pip .*could not install torch, torchvision.*provides it here'
        '501.graph-pagerank/python'        = 'Passed'
        '502.graph-mst/python'             = 'Passed'
        '503.graph-bfs/python'             = 'Passed'
        # Only the generator script is in the shared data; the FASTA files are not.
        '504.dna-visualisation/python'     = "Skipped:No input files matching '\*\.fasta' in '.*504\.dna-visualisation'"
    }
    $cases = foreach ($k in $expected.Keys) {
        $outcome, $pattern = $expected[$k] -split ':', 2
        @{ Case = $k; Outcome = $outcome; Pattern = $pattern }
    }
    $sandboxes = foreach ($s in 'Process', 'Docker') { @{ Sandbox = $s; Cases = $cases } }
}

BeforeAll {
    Import-Module $env:SEBS_TEST_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'SebsTestHelpers.psm1') -Force
    $script:repo = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
    $script:services = Get-SebsTestServices
    $script:root = Join-Path ([IO.Path]::GetTempPath()) ('sebs-regression-' + [guid]::NewGuid().ToString('N').Substring(0, 8))
    $script:data = if ($env:SEBS_BENCHMARK_DATA) { $env:SEBS_BENCHMARK_DATA } else { Join-Path $repo '../shared/benchmark-data' }
    if (-not (Test-Path (Join-Path $data '200.multimedia/210.thumbnailer'))) {
        throw "The SeBS benchmark data is not at '$data'; set SEBS_BENCHMARK_DATA to it."
    }

    function Get-FreePort {
        $l = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
        $l.Start(); $p = $l.LocalEndpoint.Port; $l.Stop(); $p
    }

    # 120.uploader downloads from a URL setting; here a file server on 127.0.0.1 (no Internet on CI).
    $www = Join-Path $TestDrive 'www'
    New-Item -ItemType Directory $www | Out-Null
    Copy-Item (Join-Path $data '200.multimedia/210.thumbnailer/3_aerial-shot-architecture-bridge-2887493.jpg') (Join-Path $www 'photo.jpg')
    $script:httpPort = Get-FreePort
    $script:http = Start-Process python3 -ArgumentList '-m', 'http.server', $httpPort, '--bind', '127.0.0.1', '--directory', $www -PassThru `
        -RedirectStandardError (Join-Path $TestDrive 'http.err') -RedirectStandardOutput (Join-Path $TestDrive 'http.out')
    $deadline = (Get-Date).AddSeconds(20)
    while (-not $(try { (Invoke-WebRequest "http://127.0.0.1:$httpPort/photo.jpg" -Method Head -TimeoutSec 2).StatusCode -eq 200 } catch { $false })) {
        if ((Get-Date) -gt $deadline) { throw 'the HTTP file server did not start' }
        Start-Sleep -Milliseconds 100
    }
    $script:photoUrl = "http://127.0.0.1:$httpPort/photo.jpg"
}

AfterAll {
    if ($script:http -and -not $script:http.HasExited) { $script:http.Kill($true); $script:http.WaitForExit(5000) | Out-Null }
    Remove-SebsTestFunctions -Root $script:root
    Remove-Item -Recurse -Force $script:root -ErrorAction SilentlyContinue
}

Describe 'Invoke-SebsRegression over the local catalog (<Sandbox> sandbox)' -ForEach $sandboxes {
    BeforeAll {
        if ($sandbox -eq 'Docker' -and $services.SEBS_TEST_DOCKER -ne '1') {
            throw "Docker is not available for the tests (SEBS_TEST_DOCKER=$($services.SEBS_TEST_DOCKER)); see out/services.env, out/dockerd.log and out/run-images.log."
        }
        if ($sandbox -eq 'Process') {
            # The process sandbox's virtual environments see /usr/bin/python3's packages; start-services installs them.
            & /usr/bin/python3 -c 'import PIL, numpy, igraph' 2>$null
            if ($LASTEXITCODE -ne 0) { throw 'python3-pil, python3-numpy and python3-igraph are not installed for /usr/bin/python3; run tests/infra/start-services.sh.' }
        }
        $script:out = Join-Path $root "out-$sandbox"
        $script:cache = Join-Path $root "cache-$sandbox"
        $err = $null; $warn = $null
        $script:all = @(Invoke-SebsRegression -Platform Local -Sandbox $sandbox -DataPath $data -Setting @{ 'uploader.url.test' = $photoUrl } `
                -OutputPath $out -CachePath $cache -ThrottleLimit 2 -Summary -ErrorVariable err -WarningVariable warn `
                -ErrorAction SilentlyContinue -WarningAction SilentlyContinue)
        $script:ok = $?
        $script:errors = $err
        $script:warnings = $warn
        $script:results = @($all | Where-Object { $_ -is [Sebs.Core.Running.RegressionResult] })
        $script:byName = @{}
        foreach ($c in $results) { $byName["$($c.Benchmark)/$($c.Language)"] = $c }
    }

    It 'runs every case of the catalog once' {
        $results | Should -HaveCount $Cases.Count
        ($byName.Keys | Sort-Object) -join ',' | Should -Be (($Cases.Case | Sort-Object) -join ',')
    }

    It 'ends <Case> as <Outcome>' -ForEach $Cases {
        $case = $byName[$Case]
        $case | Should -Not -BeNullOrEmpty
        $case.Outcome | Should -Be $Outcome -Because "$Case ended $($case.Outcome): $($case.Error)$($case.SkipReason)"
        if ($Outcome -eq 'Passed') {
            $case.Error | Should -BeNullOrEmpty
            $case.SkipReason | Should -BeNullOrEmpty
            $case.ClientMs | Should -BeGreaterThan 0
            $case.Valid | Should -Not -BeFalse
        }
        else {
            $case.SkipReason | Should -Match $Pattern
            $case.SkipReason | Should -Not -Match "`n" -Because 'a skip says why in one line'
            $case.Error | Should -BeNullOrEmpty
            $case.ClientMs | Should -BeNullOrEmpty -Because 'a skipped case is never invoked'
            $json = Get-Content -Raw $case.ResultPath | ConvertFrom-Json -AsHashtable
            $json.http | Should -BeNullOrEmpty
            $json.skipped | Should -Be $case.SkipReason
        }
    }

    It 'reaches the echo and reply servers it starts: 020 gets every echo, 030 completes, 040 reads the reply' {
        $ping = (Get-Content -Raw $byName['020.network-benchmark/python'].ResultPath | ConvertFrom-Json -AsHashtable).http
        $ping.result.measurement.repetitions | Should -Be 10
        $ping.result.measurement.lost | Should -Be 0
        $clock = (Get-Content -Raw $byName['030.clock-synchronization/python'].ResultPath | ConvertFrom-Json -AsHashtable).http
        $clock.result.measurement.complete | Should -BeTrue
        foreach ($language in 'python', 'nodejs') {
            $reply = (Get-Content -Raw $byName["040.server-reply/$language"].ResultPath | ConvertFrom-Json -AsHashtable).http
            $reply.result.result | Should -Be 'accepted'
        }
    }

    It 'fails nothing, so $? stays true, and warns once per skipped case' {
        $errors | Should -BeNullOrEmpty -Because (($errors | ForEach-Object { "$_" }) -join '; ')
        $ok | Should -BeTrue
        @($warnings | Where-Object { "$_" -like 'Skipped *' }) | Should -HaveCount 3
    }

    It 'writes the summary last: counts per outcome and the time' {
        $summary = $all[-1]
        $summary | Should -BeOfType ([Sebs.Core.Running.RegressionSummary])
        @($all | Where-Object { $_ -is [Sebs.Core.Running.RegressionSummary] }) | Should -HaveCount 1
        $summary.Platform | Should -Be 'Local'
        $summary.Total | Should -Be 22
        $summary.Passed | Should -Be 19
        $summary.Failed | Should -Be 0
        $summary.Skipped | Should -Be 3
        $summary.Duration | Should -BeGreaterThan ([timespan]::Zero)
        $summary.SkippedCases | Should -HaveCount 3
        "$summary" | Should -Be "Local: 19 passed, 0 failed, 3 skipped of 22 in $($summary.Duration.TotalSeconds.ToString('0.#')) s"
    }
}

Describe 'Settings the regression suite takes' {
    BeforeAll {
        $script:cache = Join-Path $root 'cache-settings'
        $script:out = Join-Path $root 'out-settings'
    }

    It '120.uploader with a URL that cannot be fetched is skipped, naming the setting to give (<_>)' -ForEach @('python', 'nodejs') {
        $closed = Get-FreePort
        $err = $null; $warn = $null
        $r = Invoke-SebsRegression 120.uploader -Language $_ -Sandbox Process -Setting @{ 'uploader.url.test' = "http://127.0.0.1:$closed/photo.jpg" } `
            -OutputPath $out -CachePath $cache -ErrorVariable err -WarningVariable warn -ErrorAction SilentlyContinue -WarningAction SilentlyContinue
        $ok = $?
        $r.Outcome | Should -Be 'Skipped'
        $r.SkipReason | Should -Match "setting 'uploader\.url\.test' \(http://127\.0\.0\.1:$closed/photo\.jpg\) cannot be fetched from here"
        $r.SkipReason | Should -Match ([regex]::Escape("-Setting @{'uploader.url.test' = "))
        $ok | Should -BeTrue -Because 'only a failed case is an error'
        $err | Should -BeNullOrEmpty
        "$warn" | Should -Match '^Skipped 120\.uploader'
    }

    It 'tells 040 the server address and port given as settings' {
        $port = Get-FreePort
        # 127.0.0.2 is loopback too: the function only reaches the server if it was told the given address.
        $r = Invoke-SebsRegression 040.server-reply -Language python -Sandbox Process -Setting @{ 'server-address' = '127.0.0.2'; 'server-port' = "$port" } `
            -OutputPath $out -CachePath $cache -Verbose 4>&1
        $result = $r | Where-Object { $_ -is [Sebs.Core.Running.RegressionResult] }
        $result.Outcome | Should -Be 'Passed' -Because $result.Error
        ($r | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }).Message |
            Should -Contain "Regression: TCP reply server for 040.server-reply on 127.0.0.2:$port, told as 127.0.0.2."
    }

    It 'refuses a server-port that is not a port number' {
        $err = $null
        Invoke-SebsRegression 040.server-reply -Language python -Sandbox Process -Setting @{ 'server-port' = 'twelve' } `
            -OutputPath $out -CachePath $cache -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -BeLike 'Sebs.InvalidConfig*'
        "$($err[0])" | Should -Match "'server-port' must be a port number"
    }
}

Describe 'A host without the runtime of a language' {
    It 'skips the case in the process sandbox and names the missing program' {
        $saved = $env:PATH
        # node is looked up on PATH when the sandbox starts; 010.sleep has no npm dependencies, so nothing else needs it.
        $env:PATH = Join-Path $TestDrive 'empty-bin'
        try {
            $err = $null
            $r = Invoke-SebsRegression 010.sleep -Language nodejs -Sandbox Process -OutputPath (Join-Path $root 'out-noruntime') `
                -CachePath (Join-Path $root 'cache-noruntime') -ErrorVariable err -ErrorAction SilentlyContinue -WarningAction SilentlyContinue
            $ok = $?
        }
        finally { $env:PATH = $saved }
        $r.Outcome | Should -Be 'Skipped' -Because "$($r.Error)"
        $r.SkipReason | Should -Be 'node is not on PATH, so the process sandbox cannot run nodejs functions here (install it, or use -Sandbox Docker).'
        $ok | Should -BeTrue
        $err | Should -BeNullOrEmpty
    }
}
