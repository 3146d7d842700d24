# Suite A benchmarks end to end in the Docker sandbox: 040.server-reply, 120.uploader, 210.thumbnailer,
# 220.video-processing, 311.compression, each language, size test, checked with -Validate.
# Needs tests/infra/start-services.sh (Docker engine and the offline run images); without Docker the tests fail with the reason.
BeforeDiscovery {
    $cases = @(
        @{ Benchmark = '040.server-reply'; Language = 'python' }
        @{ Benchmark = '040.server-reply'; Language = 'nodejs' }
        @{ Benchmark = '120.uploader'; Language = 'python' }
        @{ Benchmark = '120.uploader'; Language = 'nodejs' }
        @{ Benchmark = '210.thumbnailer'; Language = 'python' }
        @{ Benchmark = '210.thumbnailer'; Language = 'nodejs' }
        @{ Benchmark = '220.video-processing'; Language = 'python' }
        @{ Benchmark = '311.compression'; Language = 'python' }
        @{ Benchmark = '311.compression'; Language = 'nodejs' }
    )
}

BeforeAll {
    Import-Module $env:SEBS_TEST_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'SebsTestHelpers.psm1') -Force
    $script:repo = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
    $script:cache = Join-Path ([IO.Path]::GetTempPath()) ('sebs-suite-a-' + [guid]::NewGuid().ToString('N').Substring(0, 8))
    $script:services = Get-SebsTestServices
    $script:data = if ($env:SEBS_BENCHMARK_DATA) { $env:SEBS_BENCHMARK_DATA } else { Join-Path $repo '../shared/benchmark-data' }
    $script:processes = [System.Collections.Generic.List[System.Diagnostics.Process]]::new()

    function Get-FreePort {
        $l = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
        $l.Start(); $p = $l.LocalEndpoint.Port; $l.Stop(); $p
    }
    function Wait-Until([scriptblock]$Condition, [string]$What, [int]$Seconds = 20) {
        $deadline = (Get-Date).AddSeconds($Seconds)
        while (-not (& $Condition)) {
            if ((Get-Date) -gt $deadline) { throw "timed out waiting for $What" }
            Start-Sleep -Milliseconds 100
        }
    }
}

AfterAll {
    foreach ($p in $script:processes) { if (-not $p.HasExited) { $p.Kill($true); $p.WaitForExit(5000) | Out-Null } }
    Remove-SebsTestFunctions -Root $script:cache
    Remove-Item -Recurse -Force $script:cache -ErrorAction SilentlyContinue
}

Describe 'Suite A benchmarks validate in the Docker sandbox' {
    BeforeAll {
        if ($services.SEBS_TEST_DOCKER -ne '1') {
            throw "Docker is not available for the tests (SEBS_TEST_DOCKER=$($services.SEBS_TEST_DOCKER)); see out/services.env, out/dockerd.log and out/run-images.log."
        }
        if (-not (Test-Path (Join-Path $data '200.multimedia/210.thumbnailer'))) {
            throw "The SeBS benchmark data is not at '$data'; set SEBS_BENCHMARK_DATA to it."
        }

        # 040: a TCP server that sends one message per connection.
        $portFile = Join-Path $TestDrive 'tcp.port'
        $script:tcp = Start-Process python3 -ArgumentList (Join-Path $PSScriptRoot 'fixtures/tcp_reply_server.py'), $portFile, 'accepted' -PassThru `
            -RedirectStandardError (Join-Path $TestDrive 'tcp.err') -RedirectStandardOutput (Join-Path $TestDrive 'tcp.out')
        $processes.Add($tcp)
        Wait-Until { Test-Path $portFile } 'the TCP reply server'
        $script:tcpPort = [int](Get-Content $portFile)

        # 120: a local HTTP server instead of SeBS's public URLs (no Internet here).
        $www = Join-Path $TestDrive 'www'
        New-Item -ItemType Directory $www | Out-Null
        Copy-Item (Join-Path $data '200.multimedia/210.thumbnailer/3_aerial-shot-architecture-bridge-2887493.jpg') (Join-Path $www 'photo.jpg')
        $script:httpPort = Get-FreePort
        $script:http = Start-Process python3 -ArgumentList '-m', 'http.server', $httpPort, '--bind', '127.0.0.1', '--directory', $www -PassThru `
            -RedirectStandardError (Join-Path $TestDrive 'http.err') -RedirectStandardOutput (Join-Path $TestDrive 'http.out')
        $processes.Add($http)
        Wait-Until { try { (Invoke-WebRequest "http://127.0.0.1:$httpPort/photo.jpg" -Method Head -TimeoutSec 2).StatusCode -eq 200 } catch { $false } } 'the HTTP file server'
        $script:photoMd5 = (Get-FileHash -Algorithm MD5 (Join-Path $www 'photo.jpg')).Hash.ToLowerInvariant()

        # 220: city.mp4 is not in the shared data; a synthetic one goes into a private data root.
        $script:videoData = Join-Path $TestDrive 'video-data'
        $out = & bash (Join-Path $repo 'benchmarks/200.multimedia/220.video-processing/make-test-video.sh') $videoData 4 2>&1
        if ($LASTEXITCODE -ne 0) { throw "make-test-video.sh failed: $out" }
    }

    It '<Benchmark> in <Language> (size test) is valid' -ForEach $cases {
        $extra = @{ DataPath = $data }
        switch ($Benchmark) {
            '040.server-reply' { $extra.Payload = @{ 'ip-address' = '127.0.0.1'; port = $tcpPort; expected = 'accepted' } }
            '120.uploader' { $extra.Setting = @{ 'uploader.url.test' = "http://127.0.0.1:$httpPort/photo.jpg" } }
            '220.video-processing' { $extra.DataPath = $videoData }
        }
        $r = Invoke-SebsBenchmark $Benchmark -Language $Language -Size test -Repetitions 2 -Validate -Sandbox Docker `
            -CachePath (Join-Path $cache $Benchmark) @extra
        $r | Should -HaveCount 2
        foreach ($x in $r) {
            $x.Failed | Should -BeFalse -Because $x.ErrorMessage
            $x.Valid | Should -BeTrue -Because $x.ValidationMessage
        }
        $out = $r[1].Result
        switch ($Benchmark) {
            '040.server-reply' { $out['result'] | Should -Be 'accepted' }
            '120.uploader' {
                $out['result']['url'] | Should -Be "http://127.0.0.1:$httpPort/photo.jpg"
                $out['measurement']['download_size'] | Should -Be 798893
            }
            '210.thumbnailer' {
                $out['result']['key'] | Should -Match $(if ($Language -eq 'nodejs') { '\.png$' } else { '\.jpg$' })
            }
        }
        if ($Benchmark -ne '040.server-reply') {
            foreach ($f in 'download_time', 'download_size', 'upload_time', 'upload_size', 'compute_time') {
                $out['measurement'][$f] | Should -Not -BeNullOrEmpty -Because "measurement.$f is reported"
            }
            $out['measurement']['upload_time'] | Should -BeGreaterThan 0
            $out['measurement']['upload_size'] | Should -BeGreaterThan 0
        }
    }

    It '220.video-processing extract-gif (size large) gives a valid GIF' {
        $r = Invoke-SebsBenchmark 220.video-processing -Size large -Repetitions 1 -Validate -Sandbox Docker `
            -CachePath (Join-Path $cache '220.video-processing') -DataPath $videoData
        $r.Failed | Should -BeFalse -Because $r.ErrorMessage
        $r.Valid | Should -BeTrue -Because $r.ValidationMessage
        $r.Result['result']['key'] | Should -Match '\.gif$'
    }

    It '040.server-reply with the size input only (no server) fails and says what is missing (<_>)' -ForEach @('python', 'nodejs') {
        $r = Invoke-SebsBenchmark 040.server-reply -Language $_ -Size test -Repetitions 1 -Validate -Sandbox Docker `
            -CachePath (Join-Path $cache '040.server-reply') -WarningAction SilentlyContinue
        $r.Failed | Should -BeTrue
        $r.ErrorMessage | Should -Match "ip-address"
        $r.Valid | Should -BeFalse
    }

    It '<Benchmark> in <Language> is valid with the S3 storage' -ForEach @(
        @{ Benchmark = '311.compression'; Language = 'python' }
        @{ Benchmark = '311.compression'; Language = 'nodejs' }
        @{ Benchmark = '210.thumbnailer'; Language = 'nodejs' }
    ) {
        $config = New-SebsS3TestConfig (Join-Path $TestDrive "s3-$Benchmark-$Language.json")
        $r = Invoke-SebsBenchmark $Benchmark -Language $Language -Size test -Repetitions 1 -Validate -Sandbox Docker `
            -CachePath (Join-Path $cache "s3-$Benchmark") -ConfigPath $config -DataPath $data
        $r.Failed | Should -BeFalse -Because $r.ErrorMessage
        $r.Valid | Should -BeTrue -Because $r.ValidationMessage
    }

    It '120.uploader: a URL that is not served makes the invocation fail (<_>)' -ForEach @('python', 'nodejs') {
        $r = Invoke-SebsBenchmark 120.uploader -Language $_ -Size test -Repetitions 1 -Sandbox Docker -CachePath (Join-Path $cache '120.uploader') `
            -Setting @{ 'uploader.url.test' = "http://127.0.0.1:$httpPort/missing.jpg" } -WarningAction SilentlyContinue
        $r.Failed | Should -BeTrue
        $r.ErrorMessage | Should -Match '404'
    }
}
